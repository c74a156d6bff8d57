package dev.fairlead.lb.gcp.internal;

import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.cloud.AmbiguousWriteException;
import dev.fairlead.lb.gcp.model.Descriptions;
import dev.fairlead.lb.gcp.model.LbModel;
import dev.fairlead.lb.gcp.model.Observed;
import dev.fairlead.lb.gcp.model.Step;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs a plan's steps in order, one executor per resource kind, each waiting for its operation. It
 * tracks the address as it becomes known (kept, reserved, or read back from a new rule), because
 * the traffic firewall names it as destination and in the checkpoint.
 */
final class StepRunner {
  private final String cluster;
  private final RuleCalls rules;
  private final AddressCalls addresses;
  private final PoolCalls pools;
  private final HealthCheckCalls healthChecks;
  private final FirewallCalls firewalls;
  private final BackendServiceCalls backendServices;

  /** A create found the resource existing, or its outcome is unknown: observe and plan again. */
  static final class Conflict extends RuntimeException {
    @java.io.Serial private static final long serialVersionUID = 1L;

    Conflict(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  StepRunner(String cluster, RuleCalls rules, AddressCalls addresses, PoolCalls pools, HealthCheckCalls healthChecks,
      FirewallCalls firewalls, BackendServiceCalls backendServices) {
    this.cluster = cluster;
    this.rules = rules;
    this.addresses = addresses;
    this.pools = pools;
    this.healthChecks = healthChecks;
    this.firewalls = firewalls;
    this.backendServices = backendServices;
  }

  /**
   * Runs the steps.
   *
   * @param model the desired model
   * @param observed what existed when planning
   * @param steps the plan
   * @param tags the nodes' target tags
   * @return the load balancer's address
   */
  String run(LbModel model, Observed observed, List<Step> steps, List<String> tags) {
    String description = Descriptions.of(model.service(), cluster);
    Optional<String> ip = model.requestedIp()
        .or(() -> Optional.ofNullable(observed.rules().get(model.rules().getFirst().name())).map(Observed.Rule::ip));
    Optional<String> reserved = observed.address().map(Observed.Address::ip);
    for (Step step : steps) {
      try {
        switch (step) {
          case Step.WithdrawCheckpoint w -> {
            if (ip.isPresent() && observed.firewall().isPresent()) {
              firewalls.write(model.firewall(), true, tags, ip, Descriptions.firewall(model, cluster, ip.get(), false));
            }
          }
          case Step.ReserveAddress r -> reserved = Optional.of(addresses.reserve(r, description));
          case Step.ReleaseAddress r -> {
            addresses.release(r.name());
            reserved = Optional.empty();
          }
          case Step.WriteHealthCheck w -> healthChecks.write(w.healthCheck(), w.exists(), description);
          case Step.DeleteHealthCheck d -> healthChecks.deleteIfUnused(d.name(), d.legacy());
          case Step.WriteFirewall w -> {
            if (w.firewall().toLoadBalancer()) {
              String address = ip.orElseGet(() -> readAddress(model));
              ip = Optional.of(address);
              firewalls.write(w.firewall(), w.exists(), tags, ip, Descriptions.firewall(model, cluster, address, true));
            } else {
              firewalls.write(w.firewall(), w.exists(), tags, Optional.empty(), description);
            }
          }
          case Step.DeleteFirewall d -> firewalls.delete(d.name());
          case Step.CreatePool c -> pools.create(c.pool(), c.instances(), description);
          case Step.DeletePool d -> Calls.deleteOrRetryLater(() -> pools.delete(d.name()), "targetPools/" + d.name());
          case Step.SetPoolHealthCheck s -> pools.setHealthCheck(s.pool(), s.remove(), s.add());
          case Step.AddToPool a -> pools.add(a.pool(), a.instances());
          case Step.RemoveFromPool r -> pools.remove(r.pool(), r.instances());
          case Step.WriteBackendService w ->
              backendServices.write(w.backendService(), w.zones(), w.fingerprint(), description);
          case Step.DeleteBackendService d ->
              Calls.deleteOrRetryLater(() -> backendServices.delete(d.name()), "backendServices/" + d.name());
          case Step.CreateRule c -> {
            // The kept or requested address, else the one just reserved, else a new ephemeral one.
            Optional<String> use = c.ip().isPresent() ? c.ip() : reserved;
            rules.create(model, c.rule(), use, description);
            if (c.rule().name().equals(model.rules().getFirst().name())) {
              ip = use.isPresent() ? use : Optional.empty();
            }
          }
          case Step.DeleteRule d -> rules.delete(d.name());
          case Step.PatchGlobalAccess p -> rules.patchGlobalAccess(p.name(), p.allow());
        }
      } catch (Calls.OperationFailedException e) {
        if (e.code().equals("RESOURCE_ALREADY_EXISTS")) {
          throw new Conflict(e);
        }
        throw e.toFailure();
      } catch (AmbiguousWriteException e) {
        throw new Conflict(e);
      } catch (RuntimeException e) {
        if (GcpErrors.alreadyExists(e)) {
          throw new Conflict(e);
        }
        throw e;
      }
    }
    return ip.orElseGet(() -> readAddress(model));
  }

  private String readAddress(LbModel model) {
    return rules.get(model.rules().getFirst().name()).map(Observed.Rule::ip)
        .orElseThrow(() -> new RetryLaterException("forwardingRules/" + model.rules().getFirst().name()
            + " is not visible yet", Duration.ofSeconds(5)));
  }

}
