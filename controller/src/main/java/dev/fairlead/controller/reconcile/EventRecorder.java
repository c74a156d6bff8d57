package dev.fairlead.controller.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Records Kubernetes Events on an object (a Service, or a provider's own object such as an address
 * pool), so {@code kubectl describe} tells the story.
 */
public interface EventRecorder {

  /**
   * A Normal event.
   *
   * @param object the object
   * @param reason the reason, such as {@code EnsuredLoadBalancer}
   * @param message what happened
   */
  void normal(HasMetadata object, String reason, String message);

  /**
   * A Warning event.
   *
   * @param object the object
   * @param reason the reason, such as {@code SyncLoadBalancerFailed}
   * @param message what went wrong, naming the field or the failure
   */
  void warning(HasMetadata object, String reason, String message);
}
