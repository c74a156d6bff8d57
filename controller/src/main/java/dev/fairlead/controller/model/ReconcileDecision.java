package dev.fairlead.controller.model;

import java.util.Objects;

/**
 * What the reconciler does with one Service, decided from plain facts: the upstream service
 * controller's semantics as one pure function, so every case is a row of a table-driven test. The
 * reconciler gathers the {@link Facts} (cache, remembered state, spec mapping), calls {@link
 * #decide}, and carries out the {@link Action}.
 */
public final class ReconcileDecision {
  private ReconcileDecision() {}

  /** How the Service's spec compares with what was last applied successfully. */
  public enum Applied {
    /** Nothing was applied for this Service (UID) since this replica started leading. */
    NOTHING,
    /** The spec equals the applied one. */
    SAME,
    /** Only the backends differ. */
    OTHER_BACKENDS,
    /** Something else differs. */
    OTHER_SPEC
  }

  /** Whether the Service can be served as written. */
  public enum Validity {
    /** It maps to a spec the provider supports. */
    VALID,
    /** A field is invalid. */
    INVALID,
    /** It asks for a feature the provider lacks. */
    UNSUPPORTED
  }

  /**
   * The facts one decision needs.
   *
   * @param present the Service is in the cache
   * @param wantsLoadBalancer of type LoadBalancer, of our class, not being deleted
   * @param hasFinalizer carries our finalizer
   * @param cleanedUp our cleanup of this UID finished and the cache has not caught up yet
   * @param remembered a spec was applied for this Service since this replica leads
   * @param validity whether the Service maps to a supported spec (when it wants a load balancer)
   * @param applied how its spec compares with the applied one
   * @param publishesStatus the Service already shows some {@code status.loadBalancer.ingress}
   * @param statusCurrent the published status is the one applied
   * @param cacheBehindOurPatch the cache still shows the Service from before our last status patch
   * @param statusContested our published status keeps being rewritten by someone else
   * @param warned the last outcome for this Service was a Warning
   */
  public record Facts(
      boolean present,
      boolean wantsLoadBalancer,
      boolean hasFinalizer,
      boolean cleanedUp,
      boolean remembered,
      Validity validity,
      Applied applied,
      boolean publishesStatus,
      boolean statusCurrent,
      boolean cacheBehindOurPatch,
      boolean statusContested,
      boolean warned) {
    /** Checks for null. */
    public Facts {
      Objects.requireNonNull(validity, "validity");
      Objects.requireNonNull(applied, "applied");
    }
  }

  /** What to do. */
  public sealed interface Action {}

  /** Nothing to do and nothing to remember (not ours, or already cleaned up). */
  public record Forget() implements Action {}

  /** The Service vanished without our cleanup (finalizer removed by force): delete what we made. */
  public record DeleteOrphan() implements Action {}

  /** The Service no longer wants a load balancer: delete it, clear status, drop the finalizer. */
  public record CleanUp() implements Action {}

  /**
   * The Service cannot be served as written: a Warning, no provider call, wait for a change.
   *
   * @param validity why
   */
  public record Reject(Validity validity) implements Action {}

  /**
   * Everything is in place.
   *
   * @param announceRecovery the last outcome was a Warning: say that the Service is fine again
   */
  public record InSync(boolean announceRecovery) implements Action {}

  /** Someone else changed the status we published: publish ours again, no provider call. */
  public record RestoreStatus() implements Action {}

  /**
   * Someone else keeps rewriting the status we publish (another implementation serving the same
   * class): report it and stop overwriting.
   */
  public record ReportContestedStatus() implements Action {}

  /** Only the backend nodes changed: {@code updateBackends}. */
  public record UpdateBackends() implements Action {}

  /**
   * Create or converge the load balancer: finalizer first, then {@code ensure}, then status.
   *
   * @param quiet a re-check after a restart of a Service that already publishes a status and has
   *     no Warning to resolve: no Ensuring/Ensured events unless the status changes
   */
  public record Ensure(boolean quiet) implements Action {}

  /**
   * Decides.
   *
   * @param facts the facts
   * @return the action
   */
  public static Action decide(Facts facts) {
    if (!facts.present()) {
      return facts.remembered() ? new DeleteOrphan() : new Forget();
    }
    if (!facts.wantsLoadBalancer()) {
      return facts.hasFinalizer() && !facts.cleanedUp() ? new CleanUp() : new Forget();
    }
    if (facts.validity() != Validity.VALID) {
      return new Reject(facts.validity());
    }
    boolean published = facts.statusCurrent() || facts.cacheBehindOurPatch();
    return switch (facts.applied()) {
      case SAME -> {
        if (published) {
          yield new InSync(facts.warned());
        }
        yield facts.statusContested() ? new ReportContestedStatus() : new RestoreStatus();
      }
      case OTHER_BACKENDS -> published ? new UpdateBackends() : new Ensure(false);
      case OTHER_SPEC -> new Ensure(false);
      case NOTHING -> new Ensure(facts.publishesStatus() && !facts.warned());
    };
  }
}
