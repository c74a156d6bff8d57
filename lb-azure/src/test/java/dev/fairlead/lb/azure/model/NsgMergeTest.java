package dev.fairlead.lb.azure.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NsgMergeTest {
  static final NsgChange.Key WEB = new NsgChange.Key("Tcp", List.of("Internet"), List.of("80", "443"), false);

  static NsgChange.PutService put(String owner, String ip, NsgChange.Key... keys) {
    return new NsgChange.PutService(owner, Set.of(ip), Set.of(), List.of(keys), false, List.of());
  }

  @Test
  void servicesWithTheSameShapeShareOneRuleAndLeaveItOneByOne() {
    NsgMerge.Result r = NsgMerge.merge("c1", List.of(), List.of(put("a1", "203.0.113.1", WEB),
        put("a2", "203.0.113.2", WEB), put("a3", "203.0.113.3", WEB)));

    assertThat(r.rules()).singleElement().satisfies(rule -> {
      assertThat(rule.destinations()).containsExactly("203.0.113.1", "203.0.113.2", "203.0.113.3");
      assertThat(rule.priority()).isEqualTo(NsgMerge.FIRST_PRIORITY);
      assertThat(rule.name()).startsWith(Names.SECURITY_RULE_PREFIX);
    });

    NsgMerge.Result without = NsgMerge.merge("c1", r.rules(), List.of(new NsgChange.RemoveService("a2",
        Set.of("203.0.113.2"), Set.of())));
    assertThat(without.rules().getFirst().destinations()).containsExactly("203.0.113.1", "203.0.113.3");
    NsgMerge.Result empty = NsgMerge.merge("c1", without.rules(), List.of(
        new NsgChange.RemoveService("a1", Set.of("203.0.113.1"), Set.of()),
        new NsgChange.RemoveService("a3", Set.of("203.0.113.3"), Set.of())));
    assertThat(empty.rules()).isEmpty();
    assertThat(empty.removals()).hasSize(1);
  }

  @Test
  void theSameChangeTwiceCostsNothingAndForeignRulesKeepTheirPriorities() {
    SecurityRule ssh = new SecurityRule("allow-ssh", "Inbound", 500, "Tcp", List.of("198.51.100.0/24"),
        List.of("22"), List.of("*"), Optional.empty());
    NsgMerge.Result first = NsgMerge.merge("c1", List.of(ssh), List.of(put("a1", "203.0.113.1", WEB)));
    assertThat(first.rules()).extracting(SecurityRule::priority).containsExactly(500, 501);
    assertThat(first.rules().getFirst()).isEqualTo(ssh);

    assertThat(NsgMerge.merge("c1", first.rules(), List.of(put("a1", "203.0.113.1", WEB))).changed()).isFalse();
  }

  @Test
  void aThousandDefaultServicesNeedOneRule() {
    List<NsgChange> changes = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      changes.add(put("a" + i, "198.51." + (i / 250) + "." + (i % 250), WEB));
    }
    assertThat(NsgMerge.merge("c1", List.of(), changes).rules()).hasSize(1);
  }

  @Test
  void sourceRangesAndServiceTagsGetRulesOfTheirOwnAndDedicatedServicesTheirOwnRules() {
    NsgChange.Key office = new NsgChange.Key("Tcp", List.of("203.0.113.0/24"), List.of("443"), false);
    NsgChange.Key frontDoor = new NsgChange.Key("Tcp", List.of("AzureFrontDoor.Backend"), List.of("443"), false);
    NsgMerge.Result r = NsgMerge.merge("c1", List.of(), List.of(put("a1", "198.51.100.1", office, frontDoor),
        new NsgChange.PutService("a2", Set.of("198.51.100.2"), Set.of(), List.of(office), true, List.of())));

    assertThat(r.rules()).hasSize(3);
    assertThat(r.rules()).filteredOn(x -> x.name().startsWith("a2-")).singleElement()
        .satisfies(x -> assertThat(x.name()).isEqualTo("a2-TCP-443-203.0.113.0_24"));
    assertThat(r.rules()).extracting(SecurityRule::priority).doesNotHaveDuplicates();
  }

  @Test
  void rulesToTheNodesFollowTheNodeSetAndIdentifyServicesByNodePort() {
    NsgChange.Key toNodes = new NsgChange.Key("Tcp", List.of("Internet"), List.of("30080"), true);
    NsgMerge.Result r = NsgMerge.merge("c1", List.of(), List.of(new NsgChange.PutService("a1", Set.of("203.0.113.1"),
        Set.of("30080"), List.of(toNodes), false, List.of("192.0.2.11", "192.0.2.12"))));
    assertThat(r.rules().getFirst().destinations()).containsExactly("192.0.2.11", "192.0.2.12");

    NsgMerge.Result joined = NsgMerge.merge("c1", r.rules(), List.of(new NsgChange.SetNodes(
        List.of("192.0.2.11", "192.0.2.12", "192.0.2.13"))));
    assertThat(joined.upserts()).singleElement().satisfies(x -> assertThat(x.destinations()).hasSize(3));
    NsgMerge.Result gone = NsgMerge.merge("c1", joined.rules(), List.of(new NsgChange.RemoveService("a1",
        Set.of("203.0.113.1"), Set.of("30080"))));
    assertThat(gone.rules()).isEmpty();
  }
}
