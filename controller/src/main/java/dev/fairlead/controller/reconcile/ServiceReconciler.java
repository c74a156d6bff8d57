package dev.fairlead.controller.reconcile;

import dev.fairlead.controller.model.ServiceEligibility;
import dev.fairlead.controller.model.SpecMapper;
import dev.fairlead.controller.model.SpecMapping;
import dev.fairlead.controller.model.StatusMapper;
import dev.fairlead.controller.queue.Outcome;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one Service with the upstream service controller's semantics: finalizer before any
 * provider call, status patched only when it differs, cleanup when the Service is deleted or stops
 * being a LoadBalancer, the upstream event reasons, and a retry decision per outcome.
 *
 * <p>It remembers, per Service, the spec of the last successful provider call. That is what makes
 * a quiet cluster cost nothing (an unchanged spec calls no provider and writes nothing) and what
 * turns a node change into {@code updateBackends} for exactly the Services whose backends differ.
 */
public final class ServiceReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceReconciler.class);

  /** Upstream event reasons (cloud-provider service controller). */
  public static final String ENSURING = "EnsuringLoadBalancer";
  /** Upstream event reason. */
  public static final String ENSURED = "EnsuredLoadBalancer";
  /** Upstream event reason. */
  public static final String UPDATED = "UpdatedLoadBalancer";
  /** Upstream event reason. */
  public static final String DELETING = "DeletingLoadBalancer";
  /** Upstream event reason. */
  public static final String DELETED = "DeletedLoadBalancer";
  /** Upstream event reason. */
  public static final String SYNC_FAILED = "SyncLoadBalancerFailed";
  /** Upstream event reason. */
  public static final String UPDATE_FAILED = "UpdateLoadBalancerFailed";
  /** Upstream event reason. */
  public static final String DELETE_FAILED = "DeleteLoadBalancerFailed";
  /** Upstream event reason. */
  public static final String UNAVAILABLE = "UnAvailableLoadBalancer";

  /**
   * What was last applied successfully for a Service.
   *
   * @param spec the spec the provider converged to
   * @param ingress the ingress entries that were published for it
   * @param staleVersions resourceVersions of the Service from before our last status patch: while
   *     the cache still shows one of them it simply has not seen our patch yet, so the status is
   *     not "missing" and must not be written again
   */
  record Applied(LoadBalancerSpec spec, List<LoadBalancerIngress> ingress, Set<String> staleVersions) {}

  private final ServiceEligibility eligibility;
  private final Function<String, Service> lookup;
  private final Supplier<List<BackendNode>> backends;
  private final ProviderInvoker provider;
  private final ProviderCapabilities capabilities;
  private final ServiceWriter writer;
  private final EventRecorder events;
  private final Map<String, Applied> applied = new ConcurrentHashMap<>();
  /** UIDs whose cleanup finished, until the cache shows our finalizer gone (it may lag behind). */
  private final Map<String, String> cleanedUp = new ConcurrentHashMap<>();

  /**
   * Creates the reconciler.
   *
   * @param eligibility which Services are ours, and our finalizer
   * @param lookup reads a Service from the informer cache by {@code namespace/name}, or null
   * @param backends the current eligible nodes, sorted by name
   * @param provider calls the provider
   * @param capabilities the provider's capabilities, checked before any call
   * @param writer writes finalizers and status
   * @param events records events
   */
  public ServiceReconciler(
      ServiceEligibility eligibility,
      Function<String, Service> lookup,
      Supplier<List<BackendNode>> backends,
      ProviderInvoker provider,
      ProviderCapabilities capabilities,
      ServiceWriter writer,
      EventRecorder events) {
    this.eligibility = eligibility;
    this.lookup = lookup;
    this.backends = backends;
    this.provider = provider;
    this.capabilities = capabilities;
    this.writer = writer;
    this.events = events;
  }

  /**
   * The keys of Services whose last applied backends differ from {@code current}: those a node
   * change must update.
   *
   * @param current the eligible nodes now
   * @return the keys to enqueue
   */
  public Set<String> keysWithStaleBackends(List<BackendNode> current) {
    Set<String> stale = ConcurrentHashMap.newKeySet();
    applied.forEach(
        (key, state) -> {
          if (state.spec().backends() != current && !state.spec().backends().equals(current)) {
            stale.add(key);
          }
        });
    return stale;
  }

  /**
   * How many Services have a load balancer this controller applied (since it started).
   *
   * @return the count
   */
  public int appliedCount() {
    return applied.size();
  }

  /** Forgets every remembered spec, for a replica that lost leadership and may lead again later. */
  public void forgetAll() {
    applied.clear();
    cleanedUp.clear();
  }

  /**
   * Reconciles one Service.
   *
   * @param key {@code namespace/name}
   * @return what the queue should do next
   */
  public Outcome reconcile(String key) {
    Service service = lookup.apply(key);
    Applied previous = applied.get(key);
    try {
      if (service == null) {
        cleanedUp.remove(key);
        // Gone without our finalizer (someone removed it by force): clean up what we made.
        if (previous != null) {
          provider.ensureDeleted(previous.spec().service());
          applied.remove(key);
        }
        return Outcome.DONE;
      }
      ServiceKey serviceKey = serviceKey(service);
      if (previous != null && !previous.spec().service().uid().equals(serviceKey.uid())) {
        // Deleted and re-created under the same name while we were not looking.
        provider.ensureDeleted(previous.spec().service());
        applied.remove(key);
        previous = null;
      }
      if (!eligibility.hasFinalizer(service)) {
        cleanedUp.remove(key);
      }
      if (!eligibility.wantsLoadBalancer(service)) {
        if (!eligibility.needsCleanup(service) || serviceKey.uid().equals(cleanedUp.get(key))) {
          return forget(key); // nothing to clean, or already cleaned and the cache lags behind
        }
        return cleanup(service, serviceKey, key);
      }
      cleanedUp.remove(key); // a LoadBalancer again: a later cleanup must run in full
      return ensure(service, key, previous);
    } catch (WriteGate.NotLeaderException e) {
      return Outcome.DONE; // the new leader takes over; nothing to retry here
    } catch (KubernetesClientException e) {
      LOG.info("Kubernetes API call for {} failed ({}), will retry", key, e.getMessage());
      return new Outcome.Backoff(e);
    }
  }

  private Outcome forget(String key) {
    applied.remove(key);
    return Outcome.DONE;
  }

  private Outcome ensure(Service service, String key, Applied previous) {
    List<BackendNode> nodes = backends.get();
    SpecMapping mapping = SpecMapper.map(service, nodes);
    if (mapping instanceof SpecMapping.Invalid invalid) {
      // Bad input: say exactly what, call no provider, and wait for the Service to change.
      events.warning(service, SYNC_FAILED, "Invalid Service: " + invalid.message());
      return Outcome.DONE;
    }
    LoadBalancerSpec spec = ((SpecMapping.Valid) mapping).spec();
    Optional<String> unsupported = capabilities.unsupportedBy(spec);
    if (unsupported.isPresent()) {
      events.warning(service, SYNC_FAILED, "Unsupported by this provider: " + unsupported.get());
      return Outcome.DONE;
    }
    boolean statusCurrent = previous != null && StatusMapper.isPublished(service, previous.ingress());
    boolean cacheBehindOurPatch = previous != null
        && previous.staleVersions().contains(String.valueOf(service.getMetadata().getResourceVersion()));
    if (previous != null && previous.spec().equals(spec)) {
      if (!statusCurrent && !cacheBehindOurPatch) {
        // Someone else changed our status: restore it.
        writer.patchIngress(service, previous.ingress());
        applied.put(key, new Applied(spec, previous.ingress(), Set.of(version(service))));
      }
      return Outcome.DONE;
    }
    if (previous != null && (statusCurrent || cacheBehindOurPatch)
        && previous.spec().sameExceptBackends(spec)) {
      return updateBackends(service, key, previous, spec);
    }

    Set<String> versionsBeforeStatus = new java.util.HashSet<>();
    versionsBeforeStatus.add(version(service));
    if (!eligibility.hasFinalizer(service)) {
      service = writer.addFinalizer(service, eligibility.finalizer());
      versionsBeforeStatus.add(version(service));
    }
    // After a restart every Service is ensured once more; when nothing changes for it, say nothing
    // (10,000 Services would otherwise mean 20,000 identical events on every leader change).
    boolean quietRecheck = previous == null && !StatusMapper.published(service).isEmpty();
    if (!quietRecheck) {
      events.normal(service, ENSURING, "Ensuring load balancer");
    }
    if (nodes.isEmpty()) {
      events.warning(service, UNAVAILABLE, "There are no available nodes for LoadBalancer");
    }
    LoadBalancerStatus status;
    try {
      status = provider.ensure(spec);
    } catch (LoadBalancerException e) {
      return failed(service, key, SYNC_FAILED, "Error syncing load balancer: ", e);
    }
    if (status.ingress().isEmpty()) {
      events.warning(service, SYNC_FAILED, "Error syncing load balancer: provider returned no ingress");
      return new Outcome.Backoff(new ProviderFailureException("no ingress"));
    }
    List<LoadBalancerIngress> ingress = StatusMapper.toIngress(status);
    boolean changed = !StatusMapper.isPublished(service, ingress);
    if (changed) {
      writer.patchIngress(service, ingress);
    }
    applied.put(key, new Applied(spec, ingress, changed ? Set.copyOf(versionsBeforeStatus) : Set.of()));
    if (!quietRecheck || changed) {
      events.normal(service, ENSURED, "Ensured load balancer");
    }
    return Outcome.DONE;
  }

  private Outcome updateBackends(
      Service service, String key, Applied previous, LoadBalancerSpec spec) {
    try {
      provider.updateBackends(spec);
    } catch (LoadBalancerException e) {
      return failed(service, key, UPDATE_FAILED, "Error updating load balancer with new hosts: ", e);
    }
    applied.put(key, new Applied(spec, previous.ingress(), previous.staleVersions()));
    events.normal(
        service,
        UPDATED,
        "Updated load balancer with new hosts (" + spec.backends().size() + " nodes)");
    return Outcome.DONE;
  }

  private Outcome cleanup(Service service, ServiceKey serviceKey, String key) {
    events.normal(service, DELETING, "Deleting load balancer");
    try {
      provider.ensureDeleted(serviceKey);
    } catch (LoadBalancerException e) {
      return failed(service, key, DELETE_FAILED, "Error deleting load balancer: ", e);
    }
    applied.remove(key);
    boolean beingDeleted = service.getMetadata().getDeletionTimestamp() != null;
    Service current = service;
    if (!beingDeleted && !StatusMapper.published(service).isEmpty()) {
      // Type changed away: the old address is gone. The returned object carries the new
      // resourceVersion, so the finalizer patch below does not fail on our own write.
      current = writer.patchIngress(service, List.of());
    }
    writer.removeFinalizer(current, eligibility.finalizer());
    cleanedUp.put(key, serviceKey.uid());
    events.normal(service, DELETED, "Deleted load balancer");
    return Outcome.DONE;
  }

  private Outcome failed(
      Service service, String key, String reason, String prefix, LoadBalancerException failure) {
    return switch (failure) {
      case RetryLaterException later -> {
        events.warning(service, reason, prefix + failure.getMessage()
            + " (retrying in " + later.retryAfter().toSeconds() + "s)");
        yield new Outcome.RetryAfter(later.retryAfter());
      }
      case UnsupportedFeatureException unsupported -> {
        events.warning(service, reason, prefix + failure.getMessage());
        yield Outcome.DONE; // nothing changed; wait for the Service to change
      }
      case ProviderFailureException other -> {
        LOG.warn("{} for {}: {}", reason, key, failure.getMessage(), failure.getCause());
        events.warning(service, reason, prefix + failure.getMessage());
        yield new Outcome.Backoff(failure);
      }
    };
  }

  private static String version(Service service) {
    return String.valueOf(service.getMetadata().getResourceVersion());
  }

  static ServiceKey serviceKey(Service service) {
    var metadata = service.getMetadata();
    return new ServiceKey(metadata.getNamespace(), metadata.getName(), metadata.getUid());
  }
}
