package dev.fairlead.controller.reconcile;

import static dev.fairlead.kube.vocabulary.EventReasons.DELETED;
import static dev.fairlead.kube.vocabulary.EventReasons.DELETE_FAILED;
import static dev.fairlead.kube.vocabulary.EventReasons.DELETING;
import static dev.fairlead.kube.vocabulary.EventReasons.ENSURED;
import static dev.fairlead.kube.vocabulary.EventReasons.ENSURING;
import static dev.fairlead.kube.vocabulary.EventReasons.STATUS_CONTESTED;
import static dev.fairlead.kube.vocabulary.EventReasons.SYNC_FAILED;
import static dev.fairlead.kube.vocabulary.EventReasons.UNAVAILABLE;
import static dev.fairlead.kube.vocabulary.EventReasons.UPDATED;
import static dev.fairlead.kube.vocabulary.EventReasons.UPDATE_FAILED;

import dev.fairlead.controller.kube.SpecMapper;
import dev.fairlead.controller.kube.StatusMapper;
import dev.fairlead.controller.model.ReconcileDecision;
import dev.fairlead.controller.model.ReconcileDecision.Applied;
import dev.fairlead.controller.model.ReconcileDecision.Facts;
import dev.fairlead.controller.model.ReconcileDecision.Validity;
import dev.fairlead.controller.model.SpecMapping;
import dev.fairlead.controller.queue.Outcome;
import dev.fairlead.kube.vocabulary.ServiceEligibility;
import dev.fairlead.kube.vocabulary.Services;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.MetadataUse;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
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
 * Reconciles one Service with the upstream service controller's semantics. What to do is decided by
 * the pure {@link ReconcileDecision} from facts gathered here (cache, remembered state, spec
 * mapping); this class carries the decision out: finalizer before any provider call, status
 * patched only when it differs, cleanup when the Service is deleted or stops being a
 * LoadBalancer, the upstream event reasons, and a retry decision per outcome.
 *
 * <p>It remembers, per Service, the spec of the last successful provider call. That is what makes
 * a quiet cluster cost nothing (an unchanged spec calls no provider and writes nothing) and what
 * turns a node change into {@code updateBackends} for exactly the Services whose backends differ.
 */
public final class ServiceReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceReconciler.class);
  /** Our status rewritten this often within {@link #CONTEST_WINDOW} means someone else writes it. */
  private static final int CONTEST_RESTORES = 3;
  private static final Duration CONTEST_WINDOW = Duration.ofSeconds(60);

  /**
   * What was last applied successfully for a Service.
   *
   * @param spec the spec the provider converged to
   * @param ingress the ingress entries that were published for it
   * @param staleVersions resourceVersions of the Service from before our last status patch: while
   *     the cache still shows one of them it simply has not seen our patch yet, so the status is
   *     not "missing" and must not be written again
   */
  record AppliedSpec(LoadBalancerSpec spec, List<LoadBalancerIngress> ingress, Set<String> staleVersions) {}

  private final ServiceEligibility eligibility;
  private final Function<String, Service> lookup;
  private final Supplier<List<BackendNode>> backends;
  private final ProviderInvoker provider;
  private final ProviderCapabilities capabilities;
  private final MetadataUse metadataUse;
  private final ServiceWriter writer;
  private final EventRecorder events;
  private final Map<String, AppliedSpec> applied = new ConcurrentHashMap<>();
  /** UIDs whose cleanup finished, until the cache shows our finalizer gone (it may lag behind). */
  private final Map<String, String> cleanedUp = new ConcurrentHashMap<>();
  /** Keys whose last outcome was a Warning, so a later success says the problem is resolved. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  /** When we restored each Service's status lately (nanoTime), to notice a writer fighting us. */
  private final Map<String, Deque<Long>> restores = new ConcurrentHashMap<>();
  private final Set<String> contested = ConcurrentHashMap.newKeySet();

  /**
   * Creates the reconciler.
   *
   * @param eligibility which Services are ours, and our finalizer
   * @param lookup reads a Service from the informer cache by {@code namespace/name}, or null
   * @param backends the current eligible nodes, sorted by name
   * @param provider calls the provider
   * @param capabilities the provider's capabilities, checked before any call
   * @param metadataUse the annotations and labels the provider reads
   * @param writer writes finalizers and status
   * @param events records events
   */
  public ServiceReconciler(
      ServiceEligibility eligibility,
      Function<String, Service> lookup,
      Supplier<List<BackendNode>> backends,
      ProviderInvoker provider,
      ProviderCapabilities capabilities,
      MetadataUse metadataUse,
      ServiceWriter writer,
      EventRecorder events) {
    this.eligibility = eligibility;
    this.lookup = lookup;
    this.backends = backends;
    this.provider = provider;
    this.capabilities = capabilities;
    this.metadataUse = metadataUse;
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

  /**
   * How many Services' status is being rewritten by another writer (see {@link
   * dev.fairlead.kube.vocabulary.EventReasons#STATUS_CONTESTED}).
   *
   * @return the count
   */
  public int contestedCount() {
    return contested.size();
  }

  /**
   * Forgets what was applied for a Service, so its next reconcile calls the provider even if its
   * spec did not change: the provider saw something change for it (a freed address, a new pool).
   *
   * @param key {@code namespace/name}
   */
  public void invalidate(String key) {
    applied.remove(key);
  }

  /** Forgets every remembered spec, for a replica that lost leadership and may lead again later. */
  public void forgetAll() {
    applied.clear();
    cleanedUp.clear();
    warned.clear();
    restores.clear();
    contested.clear();
  }

  /**
   * Reconciles one Service.
   *
   * @param key {@code namespace/name}
   * @return what the queue should do next
   */
  public Outcome reconcile(String key) {
    Service service = lookup.apply(key);
    AppliedSpec previous = applied.get(key);
    try {
      if (service == null) {
        cleanedUp.remove(key);
      } else if (previous != null
          && !previous.spec().service().uid().equals(service.getMetadata().getUid())) {
        // Deleted and re-created under the same name while we were not looking.
        provider.ensureDeleted(previous.spec().service());
        forget(key);
        previous = null;
      }
      boolean present = service != null;
      boolean wants = present && eligibility.wantsLoadBalancer(service);
      if (present && (wants || !eligibility.hasFinalizer(service))) {
        cleanedUp.remove(key); // a LoadBalancer again (or no finalizer): a later cleanup runs in full
      }
      List<BackendNode> nodes = wants ? backends.get() : List.of();
      SpecMapping mapping = wants ? SpecMapper.map(service, nodes, metadataUse) : null;
      LoadBalancerSpec spec = mapping instanceof SpecMapping.Valid valid ? valid.spec() : null;
      Optional<String> problem = switch (mapping) {
        case null -> Optional.empty();
        case SpecMapping.Invalid invalid -> Optional.of("Invalid Service: " + invalid.message());
        case SpecMapping.Valid valid -> capabilities.unsupportedBy(valid.spec())
            .map(reason -> "Unsupported by this provider: " + reason);
      };
      Facts facts = new Facts(
          present,
          wants,
          present && eligibility.hasFinalizer(service),
          present && String.valueOf(service.getMetadata().getUid()).equals(cleanedUp.get(key)),
          previous != null,
          mapping instanceof SpecMapping.Invalid ? Validity.INVALID
              : problem.isPresent() ? Validity.UNSUPPORTED : Validity.VALID,
          compare(previous, spec),
          present && !Services.published(service).isEmpty(),
          previous != null && present && StatusMapper.isPublished(service, previous.ingress()),
          previous != null && present && previous.staleVersions().contains(version(service)),
          contested.contains(key),
          warned.contains(key));
      return switch (ReconcileDecision.decide(facts)) {
        case ReconcileDecision.Forget forget -> forget(key);
        case ReconcileDecision.DeleteOrphan orphan -> {
          provider.ensureDeleted(previous.spec().service());
          yield forget(key);
        }
        case ReconcileDecision.CleanUp cleanUp -> cleanup(service, key);
        case ReconcileDecision.Reject reject -> {
          // Bad input: say exactly what, call no provider, and wait for the Service to change.
          warn(service, key, SYNC_FAILED, problem.orElseThrow());
          yield Outcome.DONE;
        }
        case ReconcileDecision.InSync inSync -> {
          contested.remove(key);
          if (inSync.announceRecovery()) {
            events.normal(service, ENSURED, "Load balancer is in sync again; the problem reported"
                + " earlier is resolved");
            warned.remove(key);
          }
          yield Outcome.DONE;
        }
        case ReconcileDecision.RestoreStatus restore -> restoreStatus(service, key, previous);
        case ReconcileDecision.ReportContestedStatus report -> Outcome.DONE; // reported when noticed
        case ReconcileDecision.UpdateBackends update -> updateBackends(service, key, previous, spec);
        case ReconcileDecision.Ensure ensure -> ensure(service, key, spec, nodes, ensure.quiet());
      };
    } catch (WriteGate.NotLeaderException e) {
      return Outcome.DONE; // the new leader takes over; nothing to retry here
    } catch (KubernetesClientException e) {
      LOG.info("Kubernetes API call for {} failed ({}), will retry", key, e.getMessage());
      return new Outcome.Backoff(e);
    }
  }

  private static Applied compare(AppliedSpec previous, LoadBalancerSpec spec) {
    if (previous == null || spec == null) {
      return Applied.NOTHING;
    }
    if (previous.spec().equals(spec)) {
      return Applied.SAME;
    }
    return previous.spec().sameExceptBackends(spec) ? Applied.OTHER_BACKENDS : Applied.OTHER_SPEC;
  }

  private Outcome forget(String key) {
    applied.remove(key);
    warned.remove(key);
    restores.remove(key);
    contested.remove(key);
    return Outcome.DONE;
  }

  private Outcome restoreStatus(Service service, String key, AppliedSpec previous) {
    if (contestedNow(key)) {
      contested.add(key);
      warn(service, key, STATUS_CONTESTED, "status.loadBalancer is rewritten by another writer ("
          + CONTEST_RESTORES + " times within " + CONTEST_WINDOW.toSeconds() + "s): another"
          + " load-balancer implementation serves the same class (a second controller without"
          + " --load-balancer-class, or the cloud-controller-manager's service controller)."
          + " This controller stops restoring the status; run only one implementation per class");
      return Outcome.DONE;
    }
    // Someone else changed our status: restore it.
    writer.patchIngress(service, previous.ingress());
    applied.put(key, new AppliedSpec(previous.spec(), previous.ingress(), Set.of(version(service))));
    return Outcome.DONE;
  }

  /** Records a restore; true if it is one too many within the window. */
  private boolean contestedNow(String key) {
    long now = System.nanoTime();
    Deque<Long> times = restores.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (times) {
      while (!times.isEmpty() && now - times.peekFirst() > CONTEST_WINDOW.toNanos()) {
        times.pollFirst();
      }
      times.addLast(now);
      return times.size() > CONTEST_RESTORES;
    }
  }

  private Outcome ensure(
      Service service, String key, LoadBalancerSpec spec, List<BackendNode> nodes, boolean quiet) {
    Set<String> versionsBeforeStatus = new HashSet<>();
    versionsBeforeStatus.add(version(service));
    if (!eligibility.hasFinalizer(service)) {
      service = writer.addFinalizer(service, eligibility.finalizer());
      versionsBeforeStatus.add(version(service));
    }
    // After a restart every Service is ensured once more; when nothing changes for it, say nothing
    // (10,000 Services would otherwise mean 20,000 identical events on every leader change).
    if (!quiet) {
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
      warn(service, key, SYNC_FAILED, "Error syncing load balancer: provider returned no ingress");
      return new Outcome.Backoff(new ProviderFailureException("no ingress"));
    }
    List<LoadBalancerIngress> ingress = StatusMapper.toIngress(status);
    boolean changed = !StatusMapper.isPublished(service, ingress);
    if (changed) {
      writer.patchIngress(service, ingress);
    }
    applied.put(key, new AppliedSpec(spec, ingress, changed ? Set.copyOf(versionsBeforeStatus) : Set.of()));
    contested.remove(key);
    warned.remove(key);
    if (!quiet || changed) {
      events.normal(service, ENSURED, "Ensured load balancer");
    }
    return Outcome.DONE;
  }

  private Outcome updateBackends(
      Service service, String key, AppliedSpec previous, LoadBalancerSpec spec) {
    try {
      provider.updateBackends(spec);
    } catch (LoadBalancerException e) {
      return failed(service, key, UPDATE_FAILED, "Error updating load balancer with new hosts: ", e);
    }
    applied.put(key, new AppliedSpec(spec, previous.ingress(), previous.staleVersions()));
    warned.remove(key);
    events.normal(
        service,
        UPDATED,
        "Updated load balancer with new hosts (" + spec.backends().size() + " nodes)");
    return Outcome.DONE;
  }

  private Outcome cleanup(Service service, String key) {
    ServiceKey serviceKey = Services.key(service);
    events.normal(service, DELETING, "Deleting load balancer");
    try {
      provider.ensureDeleted(serviceKey);
    } catch (LoadBalancerException e) {
      return failed(service, key, DELETE_FAILED, "Error deleting load balancer: ", e);
    }
    forget(key);
    boolean beingDeleted = service.getMetadata().getDeletionTimestamp() != null;
    Service current = service;
    if (!beingDeleted && !Services.published(service).isEmpty()) {
      // Type changed away: the old address is gone. The returned object carries the new
      // resourceVersion, so the finalizer patch below does not fail on our own write.
      current = writer.patchIngress(service, List.of());
    }
    writer.removeFinalizer(current, eligibility.finalizer());
    cleanedUp.put(key, serviceKey.uid());
    events.normal(service, DELETED, "Deleted load balancer");
    return Outcome.DONE;
  }

  private void warn(Service service, String key, String reason, String message) {
    warned.add(key);
    events.warning(service, reason, message);
  }

  private Outcome failed(
      Service service, String key, String reason, String prefix, LoadBalancerException failure) {
    warn(service, key, reason, prefix + failure.getMessage() + switch (failure) {
      case RetryLaterException later -> " (retrying in " + later.retryAfter().toSeconds() + "s)";
      default -> "";
    });
    return switch (failure) {
      case RetryLaterException later -> new Outcome.RetryAfter(later.retryAfter());
      case UnsupportedFeatureException unsupported -> Outcome.DONE; // wait for the Service to change
      case ProviderFailureException other -> {
        if (!other.isUserError()) {
          // The Warning's own log line says what; the stack trace is for provider failures only.
          LOG.warn("{} for {}", reason, key, failure.getCause() == null ? failure : failure.getCause());
        }
        yield new Outcome.Backoff(failure);
      }
    };
  }

  private static String version(Service service) {
    return String.valueOf(service.getMetadata().getResourceVersion());
  }
}
