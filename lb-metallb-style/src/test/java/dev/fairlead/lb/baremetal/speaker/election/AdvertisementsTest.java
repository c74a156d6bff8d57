package dev.fairlead.lb.baremetal.speaker.election;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.lb.baremetal.crd.L2AdvertisementSpec;
import dev.fairlead.lb.baremetal.speaker.L2AdvertisementReader;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AdvertisementsTest {
  static final PoolInfo LAN = new PoolInfo("lan", Map.of("tier", "edge"),
      List.of(AddressRange.parse("192.0.2.0/28")));
  static final PoolInfo DMZ = new PoolInfo("dmz", Map.of(), List.of(AddressRange.parse("198.51.100.0/28")));
  static final PoolInfo V6 = new PoolInfo("v6", Map.of(), List.of(AddressRange.parse("2001:db8::/120")));
  static final List<PoolInfo> POOLS = List.of(DMZ, LAN, V6);
  static final InetAddress IN_LAN = InetAddress.ofLiteral("192.0.2.5");
  static final InetAddress IN_DMZ = InetAddress.ofLiteral("198.51.100.5");
  static final InetAddress IN_V6 = InetAddress.ofLiteral("2001:db8::5");

  static LabelSelector labels(String key, String value) {
    return new LabelSelectorBuilder().addToMatchLabels(key, value).build();
  }

  static L2AdvertisementSpec spec(List<String> pools, List<LabelSelector> poolSelectors,
      List<LabelSelector> nodeSelectors, List<String> interfaces) {
    L2AdvertisementSpec spec = new L2AdvertisementSpec();
    spec.setIpAddressPools(pools);
    spec.setIpAddressPoolSelectors(poolSelectors);
    spec.setNodeSelectors(nodeSelectors);
    spec.setInterfaces(interfaces);
    return spec;
  }

  static Advertisement.Valid valid(String name, L2AdvertisementSpec spec) {
    return (Advertisement.Valid) L2AdvertisementReader.parse(name, spec);
  }

  static Optional<List<String>> names(Advertisements.Advertising rules, InetAddress vip) {
    return rules.of(vip).map(list -> list.stream().map(Advertisement.Valid::name).toList());
  }

  @Test
  void withoutAnyAdvertisementEveryPoolIsAnnouncedEverywhere() {
    Advertisements.Advertising rules = Advertisements.rules(POOLS, List.of(), Set.of());

    assertThat(rules.of(IN_LAN)).contains(List.of(Advertisement.Valid.EVERYWHERE));
    assertThat(rules.of(IN_V6)).contains(List.of(Advertisement.Valid.EVERYWHERE));
    assertThat(rules.of(InetAddress.ofLiteral("203.0.113.1"))).as("outside every pool").isEmpty();
  }

  @Test
  void aPoolSelectedByABgpAdvertisementIsLeftToBgpWhenNoL2AdvertisementExists() {
    Advertisements.Advertising rules = Advertisements.rules(POOLS, List.of(), Set.of("dmz"));

    assertThat(rules.of(IN_DMZ)).isEmpty();
    assertThat(rules.of(IN_LAN)).isPresent();
  }

  @Test
  void onceAnL2AdvertisementExistsOnlyTheSelectedPoolsAreAnnouncedEvenIfBgpSelectsThemToo() {
    Advertisement byName = valid("by-name", spec(List.of("dmz"), null, null, null));
    Advertisement byLabel = valid("by-label", spec(null, List.of(labels("tier", "edge")), null, null));
    Advertisements.Advertising rules =
        Advertisements.rules(POOLS, List.of(byName, byLabel), Set.of("dmz", "lan", "v6"));

    assertThat(names(rules, IN_DMZ)).contains(List.of("by-name"));
    assertThat(names(rules, IN_LAN)).contains(List.of("by-label"));
    assertThat(rules.of(IN_V6)).as("no advertisement selects v6").isEmpty();
  }

  @Test
  void anAdvertisementWithoutPoolFieldsSelectsEveryPool() {
    Advertisement all = valid("all", spec(null, null, List.of(labels("rack", "a")), List.of("eth1")));

    Advertisements.Advertising rules = Advertisements.rules(POOLS, List.of(all), Set.of());

    assertThat(names(rules, IN_V6)).contains(List.of("all"));
    assertThat(Advertisements.selectedPools((Advertisement.Valid) all, POOLS))
        .containsExactly("dmz", "lan", "v6");
  }

  @Test
  void anInvalidAdvertisementSelectsNothingButStillCountsAsExisting() {
    Advertisement broken = L2AdvertisementReader.parse("broken",
        spec(List.of("lan"), null, null, List.of("no/slashes")));

    assertThat(broken).isInstanceOf(Advertisement.Invalid.class);
    Advertisements.Advertising rules = Advertisements.rules(POOLS, List.of(broken), Set.of());
    assertThat(rules.of(IN_LAN)).as("not widened to the no-advertisement default").isEmpty();
  }

  @Test
  void nodeSelectorsAreAlternatives() {
    Advertisement.Valid ad = valid("racks", spec(null, null,
        List.of(labels("rack", "a"), labels("rack", "b")), null));

    assertThat(ad.allowsNode(Map.of("rack", "a"))).isTrue();
    assertThat(ad.allowsNode(Map.of("rack", "b"))).isTrue();
    assertThat(ad.allowsNode(Map.of("rack", "c"))).isFalse();
    assertThat(valid("any", spec(null, null, null, null)).allowsNode(Map.of())).isTrue();
  }

  static List<Object[]> invalid() {
    LabelSelector badOperator = new LabelSelectorBuilder().addNewMatchExpression()
        .withKey("rack").withOperator("Inn").withValues("a").endMatchExpression().build();
    LabelSelector inWithoutValues = new LabelSelectorBuilder().addNewMatchExpression()
        .withKey("rack").withOperator("In").endMatchExpression().build();
    LabelSelector existsWithValues = new LabelSelectorBuilder().addNewMatchExpression()
        .withKey("rack").withOperator("Exists").withValues("a").endMatchExpression().build();
    LabelSelector badKey = labels("-rack", "a");
    LabelSelector badValue = labels("rack", "a b");
    return List.of(
        new Object[] {spec(List.of("Lan"), null, null, null), "spec.ipAddressPools[0]", "not a valid object name"},
        new Object[] {spec(null, List.of(labels("ok", "x"), badOperator), null, null),
            "spec.ipAddressPoolSelectors[1].matchExpressions[0].operator", "'Inn' is not In, NotIn"},
        new Object[] {spec(null, null, List.of(inWithoutValues), null),
            "spec.nodeSelectors[0].matchExpressions[0].values", "needs at least one value"},
        new Object[] {spec(null, null, List.of(existsWithValues), null),
            "spec.nodeSelectors[0].matchExpressions[0].values", "takes no values"},
        new Object[] {spec(null, null, List.of(badKey), null), "spec.nodeSelectors[0].matchLabels",
            "not a valid label key"},
        new Object[] {spec(null, null, List.of(badValue), null), "spec.nodeSelectors[0].matchLabels[rack]",
            "not a valid label value"},
        new Object[] {spec(null, null, null, List.of("eth0", "a-name-that-is-too-long")),
            "spec.interfaces[1]", "not a valid interface name"},
        new Object[] {spec(null, null, null, List.of("eth0", "eth0")), "spec.interfaces[1]", "listed twice"});
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void errorsNameTheField(L2AdvertisementSpec spec, String field, String reason) {
    Advertisement parsed = L2AdvertisementReader.parse("bad", spec);

    assertThat(parsed).isInstanceOfSatisfying(Advertisement.Invalid.class, invalid -> {
      assertThat(invalid.field()).isEqualTo(field);
      assertThat(invalid.reason()).contains(reason);
      assertThat(invalid.message()).startsWith(field + ": ");
    });
  }

  @Test
  void aMissingSpecIsAnAdvertisementOfEverything() {
    assertThat(L2AdvertisementReader.parse("empty", null)).isInstanceOfSatisfying(Advertisement.Valid.class,
        v -> assertThat(Advertisements.selectedPools(v, POOLS)).hasSize(3));
  }

  @Test
  void theShippedExampleIsValid() throws Exception {
    java.nio.file.Path example = java.nio.file.Path.of("..", "deploy", "crds", "example-l2advertisement.yaml");
    dev.fairlead.lb.baremetal.crd.L2Advertisement ad = io.fabric8.kubernetes.client.utils.Serialization
        .unmarshal(java.nio.file.Files.readString(example), dev.fairlead.lb.baremetal.crd.L2Advertisement.class);

    assertThat(L2AdvertisementReader.parse(ad.getMetadata().getName(), ad.getSpec()))
        .isInstanceOfSatisfying(Advertisement.Valid.class, v -> {
          assertThat(v.interfaces()).containsExactly("eth0");
          assertThat(v.allowsNode(Map.of("fairlead.dev/l2-announcer", "true"))).isTrue();
          assertThat(Advertisements.selectedPools(v, List.of(new PoolInfo("lab", Map.of(), List.of()))))
              .containsExactly("lab");
        });
  }
}
