package dev.fairlead.lb.azure.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LbMergeTest {
  static final String POOL = "kubernetes";
  static final LbMerge.Limits LIMITS = LbMerge.Limits.standard();

  static LbPart part(String owner, int... ports) {
    LbDocument.Frontend frontend = new LbDocument.Frontend(owner,
        new LbDocument.Target.PublicIp("/pips/kubernetes-" + owner), Optional.empty());
    List<LbDocument.Probe> probes = java.util.Arrays.stream(ports).mapToObj(p ->
        new LbDocument.Probe(owner + "-TCP-" + p, "Tcp", 30000 + p, Optional.empty(), 5, 2)).toList();
    List<LbDocument.Rule> rules = java.util.Arrays.stream(ports).mapToObj(p -> new LbDocument.Rule(
        owner + "-TCP-" + p, owner, "Tcp", p, p, POOL, Optional.of(owner + "-TCP-" + p), true, 4, true, "Default")).toList();
    return new LbPart(owner, frontend, rules, probes);
  }

  static LbDocument doc(LbMerge.Result r, String etag) {
    LbDocument m = r.merged();
    return new LbDocument(true, etag, m.frontends(), m.rules(), m.probes(), m.pools(), false);
  }

  static final List<LbDocument.PoolAddress> NODES = List.of(new LbDocument.PoolAddress("n1", "192.0.2.11"),
      new LbDocument.PoolAddress("n2", "192.0.2.12"));

  @Test
  void manyPartsMergeIntoOneDocumentKeepingEverythingElse() {
    LbDocument.Frontend outbound = new LbDocument.Frontend("aks-outbound",
        new LbDocument.Target.PublicIp("/pips/outbound"), Optional.empty());
    LbDocument current = new LbDocument(true, "e1", List.of(outbound), List.of(), List.of(),
        List.of(new LbDocument.Pool("aksOutboundBackendPool", List.of())), true);

    LbMerge.Result r = LbMerge.merge(current, List.of(new LbChange.PutPart(part("a1", 80, 443)),
        new LbChange.PutPart(part("a2", 80)), new LbChange.SetBackends(NODES)), POOL, LIMITS);

    assertThat(r.rejected()).isEmpty();
    assertThat(r.merged().frontends()).extracting(LbDocument.Frontend::name).containsExactly("aks-outbound", "a1", "a2");
    assertThat(r.merged().rules()).hasSize(3);
    assertThat(r.merged().pool(POOL).orElseThrow().addresses()).isEqualTo(NODES);
    assertThat(r.merged().pool("aksOutboundBackendPool")).isPresent();
    assertThat(r.steps()).hasOnlyElementsOfTypes(LbStep.UpsertFrontend.class, LbStep.UpsertRule.class,
        LbStep.UpsertProbe.class, LbStep.SetPool.class).hasSize(2 + 3 + 3 + 1);
  }

  @Test
  void anUnchangedPartCostsNothingAndAChangedOneReplacesOnlyItsOwnEntries() {
    LbDocument written = doc(LbMerge.merge(LbDocument.absent(), List.of(new LbChange.PutPart(part("a1", 80, 443)),
        new LbChange.PutPart(part("a2", 80)), new LbChange.SetBackends(NODES)), POOL, LIMITS), "e2");

    assertThat(LbMerge.merge(written, List.of(new LbChange.PutPart(part("a1", 80, 443)),
        new LbChange.SetBackends(NODES)), POOL, LIMITS).changed()).isFalse();

    LbMerge.Result portChange = LbMerge.merge(written, List.of(new LbChange.PutPart(part("a1", 8080))), POOL, LIMITS);
    assertThat(portChange.steps()).containsExactlyInAnyOrder(
        new LbStep.UpsertProbe(part("a1", 8080).probes().getFirst()),
        new LbStep.UpsertRule(part("a1", 8080).rules().getFirst()),
        new LbStep.RemoveProbe("a1-TCP-80"), new LbStep.RemoveProbe("a1-TCP-443"),
        new LbStep.RemoveRule("a1-TCP-80"), new LbStep.RemoveRule("a1-TCP-443"));
    assertThat(portChange.merged().rules()).extracting(LbDocument.Rule::name).contains("a2-TCP-80");
  }

  @Test
  void removingTheLastPartDeletesTheLoadBalancerButNotOneThatCarriesOthersOutboundRules() {
    LbDocument one = doc(LbMerge.merge(LbDocument.absent(), List.of(new LbChange.PutPart(part("a1", 80)),
        new LbChange.SetBackends(NODES)), POOL, LIMITS), "e3");

    assertThat(LbMerge.merge(one, List.of(new LbChange.RemovePart("a1")), POOL, LIMITS).steps())
        .containsExactly(new LbStep.DeleteLoadBalancer());
    LbDocument aks = new LbDocument(true, "e4", one.frontends(), one.rules(), one.probes(), one.pools(), true);
    assertThat(LbMerge.merge(aks, List.of(new LbChange.RemovePart("a1")), POOL, LIMITS).deletes()).isFalse();
    assertThat(LbMerge.merge(LbDocument.absent(), List.of(new LbChange.RemovePart("a1")), POOL, LIMITS).changed())
        .as("nothing to remove from a load balancer that does not exist").isFalse();
    assertThat(LbMerge.merge(LbDocument.absent(), List.of(new LbChange.SetBackends(NODES)), POOL, LIMITS).changed())
        .as("no load balancer is created for backends alone").isFalse();
  }

  @Test
  void aPartBeyondAzuresFrontendLimitIsRejectedAloneBeforeTheWrite() {
    LbMerge.Result r = LbMerge.merge(LbDocument.absent(), List.of(new LbChange.PutPart(part("a1", 80)),
        new LbChange.PutPart(part("a2", 80)), new LbChange.PutPart(part("a3", 80))), POOL, new LbMerge.Limits(2, 100));

    assertThat(r.rejected()).containsOnlyKeys(2);
    assertThat(r.rejected().get(2)).contains("limit of 2");
    assertThat(r.merged().frontends()).extracting(LbDocument.Frontend::name).containsExactly("a1", "a2");
  }

  @Test
  void aNodeChangeIsOnePoolStep() {
    LbDocument written = doc(LbMerge.merge(LbDocument.absent(), List.of(new LbChange.PutPart(part("a1", 80)),
        new LbChange.SetBackends(NODES)), POOL, LIMITS), "e5");
    List<LbDocument.PoolAddress> three = List.of(NODES.get(0), NODES.get(1), new LbDocument.PoolAddress("n3",
        "192.0.2.13"));

    LbMerge.Result r = LbMerge.merge(written, List.of(new LbChange.SetBackends(three),
        new LbChange.SetBackends(three)), POOL, LIMITS);

    assertThat(r.steps()).containsExactly(new LbStep.SetPool(POOL, three));
  }
}
