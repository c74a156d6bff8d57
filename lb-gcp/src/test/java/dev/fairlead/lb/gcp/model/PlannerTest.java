package dev.fairlead.lb.gcp.model;

import static dev.fairlead.lb.gcp.model.ModelTestData.CLUSTER;
import static dev.fairlead.lb.gcp.model.ModelTestData.SETTINGS;
import static dev.fairlead.lb.gcp.model.ModelTestData.SPECS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.SessionAffinity;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.tck.Specs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Desired model + observed resources -> steps, in a safe order. */
class PlannerTest {
  static final List<String> TAGS = List.of("k8s-node");
  static final String IP = "203.0.113.7";

  static LbModel model(LoadBalancerSpec spec) {
    return ModelBuilder.build(spec, SETTINGS, CLUSTER);
  }

  /** What exists after a complete ensure of {@code m}. */
  static Observed complete(LbModel m) {
    Map<String, Observed.Rule> rules = new HashMap<>();
    for (LbModel.Rule r : m.rules()) {
      rules.put(r.name(), new Observed.Rule(r.name(), IP, r.protocol().name(), r.portRange().orElse(""), r.ports(),
          r.allPorts(), m.internal() ? "" : m.names().targetPool(), m.internal() ? m.names().backendService() : "",
          m.internal() ? "INTERNAL" : "EXTERNAL", m.tier().name(), r.subnetwork().orElse(""), r.allowGlobalAccess(), ""));
    }
    Map<String, List<String>> allowed = new HashMap<>();
    m.firewall().allowed().forEach((p, ports) -> allowed.put(p.name().toLowerCase(), ports));
    Observed.Firewall fw = new Observed.Firewall(m.firewall().name(), allowed, m.firewall().sourceRanges(), TAGS,
        List.of(IP), Descriptions.firewall(m, CLUSTER, IP, true));
    return new Observed(rules, Optional.empty(),
        m.pool().map(p -> new Observed.Pool(p.name(), p.sessionAffinity(), List.of(p.healthCheck()), Set.copyOf(m.instances()))),
        m.backendService().map(b -> new Observed.BackendService(b.name(), b.protocol().name(), b.sessionAffinity(),
            List.of(b.healthCheck()), Set.copyOf(m.zones()), "fp")),
        Optional.of(fw), Optional.empty(), Optional.empty());
  }

  static List<Class<?>> kinds(List<Step> steps) {
    return steps.stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void aNewLoadBalancerIsPoolThenRuleThenFirewallWithTheCheckpoint() {
    LbModel m = model(SPECS.newSpec());
    assertThat(kinds(Planner.plan(m, Observed.NOTHING, TAGS)))
        .containsExactly(Step.CreatePool.class, Step.CreateRule.class, Step.WriteFirewall.class);
  }

  @Test
  void whatMatchesNeedsNothing() {
    LbModel m = model(SPECS.newSpec());
    assertThat(Planner.plan(m, complete(m), TAGS)).isEmpty();
  }

  @Test
  void aNewPortRangeRecreatesTheRuleOnThePromotedAddress() {
    LoadBalancerSpec spec = SPECS.newSpec();
    LbModel before = model(spec);
    LbModel after = model(SPECS.forService(spec.service()).ports(Specs.port(Protocol.TCP, 80), Specs.port(Protocol.TCP, 8080)).build());
    List<Step> steps = Planner.plan(after, complete(before), TAGS);
    assertThat(kinds(steps)).containsExactly(Step.WithdrawCheckpoint.class, Step.ReserveAddress.class,
        Step.DeleteRule.class, Step.CreateRule.class, Step.ReleaseAddress.class, Step.WriteFirewall.class);
    assertThat(((Step.ReserveAddress) steps.get(1)).ip()).hasValue(IP);
    assertThat(((Step.CreateRule) steps.get(3)).ip()).hasValue(IP);
  }

  @Test
  void aNewAffinityRecreatesThePoolBehindTheRuleKeepingTheAddress() {
    LoadBalancerSpec spec = SPECS.newSpec();
    LbModel after = model(SPECS.forService(spec.service()).sessionAffinity(SessionAffinity.CLIENT_IP).build());
    assertThat(kinds(Planner.plan(after, complete(model(spec)), TAGS))).containsExactly(Step.WithdrawCheckpoint.class,
        Step.ReserveAddress.class, Step.DeleteRule.class, Step.DeletePool.class, Step.CreatePool.class,
        Step.CreateRule.class, Step.ReleaseAddress.class, Step.WriteFirewall.class);
  }

  @Test
  void policyLocalSwapsTheHealthCheckInPlace() {
    LoadBalancerSpec spec = SPECS.newSpec();
    LbModel after = model(SPECS.forService(spec.service()).trafficPolicy(new TrafficPolicy.Local(32000)).build());
    List<Step> steps = Planner.plan(after, complete(model(spec)), TAGS);
    assertThat(kinds(steps)).containsExactly(Step.WithdrawCheckpoint.class, Step.WriteHealthCheck.class,
        Step.WriteFirewall.class, Step.SetPoolHealthCheck.class, Step.WriteFirewall.class);
    assertThat(steps).noneMatch(s -> s instanceof Step.DeleteRule);
  }

  @Test
  void backendChangesAreAddsAndRemoves() {
    LoadBalancerSpec spec = SPECS.newSpec();
    LbModel fewer = model(spec.withBackends(ModelTestData.NODES.subList(0, 2)));
    List<Step> steps = Planner.plan(fewer, complete(model(spec)), TAGS);
    assertThat(steps).contains(new Step.RemoveFromPool(fewer.names().targetPool(),
        List.of(InstanceRef.of(ModelTestData.NODES.get(2)).orElseThrow())));
  }

  @Test
  void mixedProtocolsReserveTheAddressFirstAndKeepIt() {
    LbModel m = model(SPECS.forNewService().ports(Specs.port(Protocol.TCP, 53), Specs.port(Protocol.UDP, 53)).build());
    assertThat(kinds(Planner.plan(m, Observed.NOTHING, TAGS))).containsExactly(Step.CreatePool.class,
        Step.ReserveAddress.class, Step.CreateRule.class, Step.CreateRule.class, Step.WriteFirewall.class);
  }

  @Test
  void internalGlobalAccessIsPatchedNotRecreated() {
    LoadBalancerSpec spec = SPECS.forNewService().annotations(Map.of(ServiceOptions.TYPE, "Internal")).build();
    LbModel global = model(SPECS.forService(spec.service()).annotations(Map.of(ServiceOptions.TYPE, "Internal",
        ServiceOptions.ILB_GLOBAL_ACCESS, "true")).build());
    assertThat(kinds(Planner.plan(global, complete(model(spec)), TAGS))).containsExactly(Step.WithdrawCheckpoint.class,
        Step.PatchGlobalAccess.class, Step.WriteFirewall.class);
  }

  @Test
  void switchingToInternalReplacesEverythingWithANewAddress() {
    LoadBalancerSpec spec = SPECS.newSpec();
    LbModel internal = model(SPECS.forService(spec.service()).annotations(Map.of(ServiceOptions.TYPE, "Internal")).build());
    List<Step> steps = Planner.plan(internal, complete(model(spec)), TAGS);
    assertThat(kinds(steps)).containsExactly(Step.WithdrawCheckpoint.class, Step.DeleteRule.class, Step.DeletePool.class,
        Step.WriteBackendService.class, Step.CreateRule.class, Step.WriteFirewall.class);
    assertThat(((Step.CreateRule) steps.get(4)).ip()).isEmpty();
  }

  @Test
  void aStaleFirewallIsRewrittenAlone() {
    LoadBalancerSpec spec = SPECS.newSpec();
    LbModel m = model(spec);
    assertThat(kinds(Planner.plan(m, complete(m), List.of("other-tag")))).containsExactly(Step.WriteFirewall.class);
  }
}
