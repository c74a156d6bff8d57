package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.cloud.Checkpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Desired model + observed resources -> the steps that converge them, in a safe order:
 *
 * <ol>
 *   <li>withdraw the checkpoint (a crash from here on is never taken for done);
 *   <li>health check and its firewall (before anything points at them);
 *   <li>promote the address to static if a rule must be recreated, so the address survives;
 *   <li>delete what cannot be updated in place (rules, then the pool they reference);
 *   <li>create or update the pool / backend service and its members;
 *   <li>create the rules on the kept address; patch global access;
 *   <li>release the temporary reservation; delete health checks no longer used;
 *   <li>write the traffic firewall last: it carries the checkpoint that says "complete".
 * </ol>
 *
 * <p>What Compute cannot update in place (port range, protocol, address, tier, scheme, affinity)
 * is recreated with the address kept; only a tier or scheme change must take a new address,
 * because addresses belong to one tier and one scheme.
 */
public final class Planner {
  private Planner() {}

  /**
   * The plan.
   *
   * @param d the desired model
   * @param o what exists
   * @param nodeTags the tags the traffic firewall targets
   * @return the steps, empty if everything matches
   */
  public static List<Step> plan(LbModel d, Observed o, List<String> nodeTags) {
    List<Step> changes = new ArrayList<>();
    String scheme = d.internal() ? "INTERNAL" : "EXTERNAL";
    Optional<Observed.Rule> primary = Optional.ofNullable(o.rules().get(d.rules().getFirst().name()))
        .or(() -> o.rules().values().stream().findFirst());
    boolean schemeSwitch = o.rules().values().stream().anyMatch(r -> !r.scheme().equals(scheme))
        || (d.internal() && o.pool().isPresent()) || (!d.internal() && o.backendService().isPresent());
    boolean tierChange = !d.internal() && o.rules().values().stream().anyMatch(r -> !r.tier().equals(d.tier().name()));
    boolean addressWrongKind = o.address().isPresent()
        && (o.address().get().internal() != d.internal() || (!d.internal() && !o.address().get().tier().equals(d.tier().name())));
    Optional<String> currentIp = primary.map(Observed.Rule::ip).or(() -> o.address().filter(a -> !addressWrongKind).map(Observed.Address::ip));
    Optional<String> targetIp = d.requestedIp().isPresent() ? d.requestedIp()
        : schemeSwitch || tierChange ? Optional.empty() : currentIp;

    // Health check first: the pool or backend service must find it.
    boolean local = !d.healthCheck().shared();
    if (local) {
      Optional<Observed.HealthCheck> hc = o.localHealthCheck();
      boolean hcMatches = hc.isPresent() && hc.get().port() == d.healthCheck().port()
          && hc.get().path().equals(d.healthCheck().path()) && hc.get().legacy() == d.healthCheck().legacy();
      if (hc.isPresent() && hc.get().legacy() != d.healthCheck().legacy()) {
        // Switching between target pool and backend service: a different collection; the old one goes later.
        changes.add(new Step.WriteHealthCheck(d.healthCheck(), false));
      } else if (!hcMatches) {
        changes.add(new Step.WriteHealthCheck(d.healthCheck(), hc.isPresent()));
      }
      if (!firewallMatches(d.healthCheckFirewall(), o.localHealthCheckFirewall(), nodeTags, Optional.empty())) {
        changes.add(new Step.WriteFirewall(d.healthCheckFirewall(), o.localHealthCheckFirewall().isPresent()));
      }
    }

    // Which rules go, which are (re)created.
    Map<String, LbModel.Rule> desiredRules = new LinkedHashMap<>();
    d.rules().forEach(r -> desiredRules.put(r.name(), r));
    boolean poolRecreate = !d.internal() && o.pool().isPresent() && !schemeSwitch
        && !o.pool().get().sessionAffinity().equals(d.pool().orElseThrow().sessionAffinity());
    List<String> deleteRules = new ArrayList<>();
    List<LbModel.Rule> createRules = new ArrayList<>();
    List<Step> patches = new ArrayList<>();
    for (Observed.Rule r : o.rules().values()) {
      LbModel.Rule want = desiredRules.get(r.name());
      if (want == null || schemeSwitch || tierChange || poolRecreate || !sameImmutable(d, want, r, targetIp)) {
        deleteRules.add(r.name());
        if (want != null) {
          createRules.add(want);
        }
      } else if (d.internal() && r.allowGlobalAccess() != want.allowGlobalAccess()) {
        patches.add(new Step.PatchGlobalAccess(r.name(), want.allowGlobalAccess()));
      }
    }
    for (LbModel.Rule want : d.rules()) {
      if (!o.rules().containsKey(want.name())) {
        createRules.add(want);
      }
    }

    // Keep the address across a recreation: promote it to static first.
    boolean addressHeld = o.address().isPresent() && !addressWrongKind;
    boolean reserveToKeep = !deleteRules.isEmpty() && !createRules.isEmpty() && targetIp.isPresent()
        && d.requestedIp().isEmpty() && !addressHeld;
    if (reserveToKeep) {
      changes.add(new Step.ReserveAddress(d.names().address(), targetIp, d.internal(), d.tier(),
          d.rules().getFirst().subnetwork()));
    }
    deleteRules.forEach(name -> changes.add(new Step.DeleteRule(name)));
    if (schemeSwitch) {
      o.pool().ifPresent(p -> changes.add(new Step.DeletePool(p.name())));
      o.backendService().ifPresent(b -> changes.add(new Step.DeleteBackendService(b.name())));
    } else if (poolRecreate) {
      changes.add(new Step.DeletePool(o.pool().get().name()));
    }
    if (addressWrongKind && d.requestedIp().isEmpty()) {
      changes.add(new Step.ReleaseAddress(d.names().address()));
    }

    // The pool or backend service and its members.
    if (!d.internal()) {
      LbModel.TargetPool pool = d.pool().orElseThrow();
      if (o.pool().isEmpty() || poolRecreate || schemeSwitch) {
        changes.add(new Step.CreatePool(pool, List.copyOf(d.instances())));
      } else {
        Observed.Pool have = o.pool().get();
        if (!have.healthChecks().equals(List.of(pool.healthCheck()))) {
          changes.add(new Step.SetPoolHealthCheck(pool.name(), have.healthChecks(), pool.healthCheck()));
        }
        List<InstanceRef> add = d.instances().stream().filter(i -> !have.instances().contains(i)).toList();
        List<InstanceRef> remove = have.instances().stream().filter(i -> !d.instances().contains(i)).sorted().toList();
        if (!add.isEmpty()) {
          changes.add(new Step.AddToPool(pool.name(), add));
        }
        if (!remove.isEmpty()) {
          changes.add(new Step.RemoveFromPool(pool.name(), remove));
        }
      }
    } else {
      LbModel.BackendService bs = d.backendService().orElseThrow();
      List<String> zones = List.copyOf(d.zones());
      Optional<Observed.BackendService> have = o.backendService().filter(b -> !schemeSwitch);
      boolean matches = have.isPresent() && have.get().protocol().equals(bs.protocol().name())
          && have.get().sessionAffinity().equals(bs.sessionAffinity())
          && have.get().healthChecks().equals(List.of(bs.healthCheck()))
          && have.get().groupZones().equals(new HashSet<>(zones));
      if (!matches) {
        changes.add(new Step.WriteBackendService(bs, zones, have.map(Observed.BackendService::fingerprint)));
      }
    }

    // The rules, on the kept, requested or reserved address.
    boolean reserveToShare = d.keepAddress() && d.requestedIp().isEmpty() && !addressHeld && !reserveToKeep;
    if (reserveToShare) {
      changes.add(new Step.ReserveAddress(d.names().address(), targetIp, d.internal(), d.tier(),
          d.rules().getFirst().subnetwork()));
    }
    for (LbModel.Rule want : createRules) {
      changes.add(new Step.CreateRule(want, targetIp));
    }
    changes.addAll(patches);
    boolean stillReserved = addressHeld || reserveToKeep || reserveToShare;
    if (stillReserved && !d.keepAddress() && !(addressWrongKind && d.requestedIp().isEmpty())) {
      changes.add(new Step.ReleaseAddress(d.names().address()));
    }

    // Health checks nothing uses any more.
    o.localHealthCheck().ifPresent(hc -> {
      if (!local || hc.legacy() != d.healthCheck().legacy()) {
        changes.add(new Step.DeleteHealthCheck(hc.name(), hc.legacy()));
      }
    });
    o.localHealthCheckFirewall().ifPresent(fw -> {
      if (!local || !fw.name().equals(d.healthCheckFirewall().name())) {
        changes.add(new Step.DeleteFirewall(fw.name()));
      }
    });

    // Last: the traffic firewall with the checkpoint.
    Optional<String> checkpointFp = o.firewall().flatMap(f -> Checkpoint.decode(f.description())).flatMap(c -> c.get("fp"));
    boolean firewallCurrent = firewallMatches(d.firewall(), o.firewall(), nodeTags, targetIp);
    List<Step> steps = new ArrayList<>();
    if (!changes.isEmpty() && checkpointFp.isPresent() && !checkpointFp.get().equals("pending")) {
      steps.add(new Step.WithdrawCheckpoint());
    }
    steps.addAll(changes);
    if (!changes.isEmpty() || !firewallCurrent || !checkpointFp.equals(Optional.of(d.fingerprint()))) {
      steps.add(new Step.WriteFirewall(d.firewall(), o.firewall().isPresent()));
    }
    return steps;
  }

  private static boolean sameImmutable(LbModel d, LbModel.Rule want, Observed.Rule have, Optional<String> targetIp) {
    if (!have.protocol().equals(want.protocol().name())) {
      return false;
    }
    if (targetIp.isPresent() && !targetIp.get().equals(have.ip())) {
      return false;
    }
    if (d.internal()) {
      return have.allPorts() == want.allPorts() && new TreeSet<>(have.ports()).equals(new TreeSet<>(want.ports()))
          && have.backendServiceName().equals(d.names().backendService())
          && have.subnetworkName().equals(want.subnetwork().orElse(""));
    }
    return have.portRange().equals(want.portRange().orElse(""))
        && have.targetName().equals(d.names().targetPool());
  }

  /**
   * Whether an existing firewall rule already says what the desired one says.
   *
   * @param want the desired rule
   * @param have the existing one
   * @param nodeTags the target tags
   * @param destination the load balancer's address, for the traffic rule
   * @return true if nothing needs writing
   */
  static boolean firewallMatches(LbModel.FirewallRule want, Optional<Observed.Firewall> have, List<String> nodeTags,
      Optional<String> destination) {
    if (have.isEmpty()) {
      return false;
    }
    Observed.Firewall f = have.get();
    Map<String, Set<String>> wantAllowed = new LinkedHashMap<>();
    want.allowed().forEach((p, ports) -> wantAllowed.put(p.name().toLowerCase(Locale.ROOT), new TreeSet<>(ports)));
    Map<String, Set<String>> haveAllowed = new LinkedHashMap<>();
    f.allowed().forEach((p, ports) -> haveAllowed.put(p.toLowerCase(Locale.ROOT), new TreeSet<>(ports)));
    boolean destinationOk = !want.toLoadBalancer()
        || destination.map(ip -> f.destinationRanges().equals(List.of(ip)) || f.destinationRanges().equals(List.of(ip + "/32")))
            .orElse(f.destinationRanges().size() == 1);
    return wantAllowed.equals(haveAllowed)
        && new TreeSet<>(want.sourceRanges()).equals(new TreeSet<>(f.sourceRanges()))
        && new TreeSet<>(nodeTags).equals(new TreeSet<>(f.targetTags()))
        && destinationOk;
  }

  /**
   * The protocols a firewall rule must allow, as the API spells them.
   *
   * @param protocol a protocol
   * @return {@code tcp} or {@code udp}
   */
  public static String apiProtocol(Protocol protocol) {
    return protocol.name().toLowerCase(Locale.ROOT);
  }
}
