package dev.fairlead.controller.kube;

import dev.fairlead.kube.vocabulary.ServiceEligibility;
import dev.fairlead.kube.vocabulary.Services;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Objects;

/** Which Service updates can change what the controller does, so only those are reconciled. */
public final class ServiceUpdates {
  private ServiceUpdates() {}

  /**
   * Whether an update can change what this controller does: a new spec, labels (pools select by
   * label), annotations, UID or deletion state, our finalizer removed by someone else, or a
   * different published status. Our own finalizer addition and unrelated metadata (managed fields,
   * other finalizers) are not; filtering them keeps a failing Service on its backoff instead of
   * retrying on every write we make. Whether a label or annotation matters to the provider is
   * decided later, when the spec is built.
   *
   * @param eligibility which Services are ours
   * @param before the Service before the update
   * @param after the Service after it
   * @return true if the Service should be reconciled
   */
  public static boolean isRelevant(ServiceEligibility eligibility, Service before, Service after) {
    var old = before.getMetadata();
    var now = after.getMetadata();
    return !Objects.equals(old.getUid(), now.getUid())
        || !Objects.equals(old.getDeletionTimestamp(), now.getDeletionTimestamp())
        || !Objects.equals(before.getSpec(), after.getSpec())
        || !Services.annotations(before).equals(Services.annotations(after))
        || !Services.labels(before).equals(Services.labels(after))
        || (eligibility.hasFinalizer(before) && !eligibility.hasFinalizer(after))
        || !StatusMapper.isPublished(after, Services.published(before));
  }
}
