package dev.fairlead.lb.baremetal.speaker.bgp.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.speaker.bgp.session.RouteAttributes;
import dev.fairlead.lb.baremetal.speaker.election.PoolInfo;
import dev.fairlead.lb.baremetal.speaker.election.ServiceRef;
import dev.fairlead.lb.baremetal.speaker.election.VipService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which prefixes a node announces to which peer. */
class BgpPlanTest {
  static final String NODE = "node1";

  static PeerConfig peer(String name, Map<String, String> selector) {
    return new PeerConfig(name, 64513, 64512, InetAddress.ofLiteral("192.0.2.1"), 179,
        Optional.empty(), 90, 0, Duration.ofSeconds(30), Optional.empty(), false,
        selector.isEmpty() ? List.of() : List.of(new LabelMatcher(selector, List.of())),
        Optional.empty(), Optional.empty(), false, false);
  }

  static AdvertisementConfig ad(String name, Set<String> pools, Set<String> peers,
      Map<String, String> nodeSelector, RouteAttributes attributes, int v4, int v6) {
    return new AdvertisementConfig(name, v4, v6, attributes, pools, List.of(),
        nodeSelector.isEmpty() ? List.of() : List.of(new LabelMatcher(nodeSelector, List.of())), peers);
  }

  static AdvertisementConfig all(String name) {
    return ad(name, Set.of(), Set.of(), Map.of(), RouteAttributes.NONE, 32, 128);
  }

  static PoolInfo pool(String name, String... blocks) {
    return new PoolInfo(name, Map.of("pool", name),
        java.util.Arrays.stream(blocks).map(AddressRange::parse).toList());
  }

  static VipService service(String name, boolean local, Set<String> ready, String... vips) {
    return new VipService(new ServiceRef("default", name, "uid-" + name),
        java.util.Arrays.stream(vips).map(InetAddress::ofLiteral).toList(), local, ready);
  }

  static BgpPlan plan(boolean eligible, List<PeerConfig> peers, List<AdvertisementConfig> ads,
      List<VipService> services) {
    return BgpPlan.of(new BgpPlan.Inputs(NODE, Map.of("rack", "r1"), eligible, peers, ads,
        List.of(pool("web", "198.51.100.0/28", "2001:db8:ff::/120"), pool("lab", "203.0.113.0/28")),
        services));
  }

  static Cidr c(String text) {
    return Cidr.parse(text);
  }

  @Test
  void everyEligibleNodeAnnouncesEveryAddressOfSelectedPoolsToEveryPeer() {
    BgpPlan plan = plan(true, List.of(peer("a", Map.of()), peer("b", Map.of())), List.of(all("all")),
        List.of(service("web", false, Set.of(), "198.51.100.10", "2001:db8:ff::10"),
            service("lab", false, Set.of(), "203.0.113.5")));

    for (String p : List.of("a", "b")) {
      assertThat(plan.routes().get(p)).containsOnlyKeys(c("198.51.100.10/32"),
          c("2001:db8:ff::10/128"), c("203.0.113.5/32"));
    }
    assertThat(plan.advertisements().get("all").prefixes()).isEqualTo(3);
  }

  @Test
  void anIneligibleNodeAnnouncesNothingButKeepsItsPeers() {
    BgpPlan plan = plan(false, List.of(peer("a", Map.of())), List.of(all("all")),
        List.of(service("web", false, Set.of(), "198.51.100.10")));

    assertThat(plan.routes()).containsOnlyKeys("a");
    assertThat(plan.routes().get("a")).isEmpty(); // withdrawn at once, session stays up
  }

  @Test
  void localServicesOnlyFromNodesWithReadyEndpoints() {
    List<PeerConfig> peers = List.of(peer("a", Map.of()));
    List<AdvertisementConfig> ads = List.of(all("all"));

    assertThat(plan(true, peers, ads, List.of(service("web", true, Set.of("node2"), "198.51.100.10")))
        .routes().get("a")).isEmpty();
    assertThat(plan(true, peers, ads, List.of(service("web", true, Set.of(NODE), "198.51.100.10")))
        .routes().get("a")).containsOnlyKeys(c("198.51.100.10/32"));
    // a shared address needs local endpoints of every Local Service on it
    assertThat(plan(true, peers, ads, List.of(service("web", true, Set.of(NODE), "198.51.100.10"),
        service("api", true, Set.of("node2"), "198.51.100.10"))).routes().get("a")).isEmpty();
    // Cluster Services are announced whatever the endpoints (as L2 does)
    assertThat(plan(true, peers, ads, List.of(service("web", false, Set.of(), "198.51.100.10")))
        .routes().get("a")).hasSize(1);
  }

  @Test
  void poolsPeersAndNodeSelectorsNarrowTheAnnouncement() {
    List<PeerConfig> peers = List.of(peer("a", Map.of()), peer("b", Map.of()),
        peer("elsewhere", Map.of("rack", "r9")));
    List<AdvertisementConfig> ads = List.of(
        ad("web-to-a", Set.of("web"), Set.of("a"), Map.of(), RouteAttributes.NONE, 32, 128),
        ad("lab-other-rack", Set.of("lab"), Set.of(), Map.of("rack", "r2"), RouteAttributes.NONE, 32, 128));

    BgpPlan plan = plan(true, peers, ads, List.of(service("web", false, Set.of(), "198.51.100.10"),
        service("lab", false, Set.of(), "203.0.113.5")));

    assertThat(plan.routes()).containsOnlyKeys("a", "b"); // "elsewhere" does not peer from this node
    assertThat(plan.routes().get("a")).containsOnlyKeys(c("198.51.100.10/32"));
    assertThat(plan.routes().get("b")).isEmpty();
    assertThat(plan.advertisements().get("lab-other-rack").prefixes()).isZero();
  }

  @Test
  void aggregationAnnouncesTheCoveringPrefixOnce() {
    BgpPlan plan = plan(true, List.of(peer("a", Map.of())),
        List.of(ad("agg", Set.of("web"), Set.of(), Map.of(), RouteAttributes.NONE, 28, 124)),
        List.of(service("one", false, Set.of(), "198.51.100.10", "2001:db8:ff::3"),
            service("two", false, Set.of(), "198.51.100.11")));

    assertThat(plan.routes().get("a")).containsOnlyKeys(c("198.51.100.0/28"), c("2001:db8:ff::/124"));
  }

  @Test
  void anAggregateCoveringAddressesOutsideThePoolIsAnErrorAndNotAnnounced() {
    BgpPlan plan = plan(true, List.of(peer("a", Map.of())),
        List.of(ad("too-wide", Set.of("web"), Set.of(), Map.of(), RouteAttributes.NONE, 24, 128)),
        List.of(service("one", false, Set.of(), "198.51.100.10")));

    assertThat(plan.routes().get("a")).isEmpty();
    assertThat(plan.advertisements().get("too-wide").error()).hasValueSatisfying(e -> assertThat(e)
        .contains("spec.aggregationLength 24 would announce addresses outside IPAddressPool 'web'")
        .contains("198.51.100.0-198.51.100.15").contains("use at least 28"));
  }

  @Test
  void twoAdvertisementsForOnePrefixMergeCommunitiesAndTakeTheHigherLocalPref() {
    RouteAttributes one = new RouteAttributes(OptionalLong.of(100), List.of(1L), List.of());
    RouteAttributes two = new RouteAttributes(OptionalLong.of(200), List.of(2L), List.of());
    BgpPlan plan = plan(true, List.of(peer("a", Map.of())),
        List.of(ad("one", Set.of("web"), Set.of(), Map.of(), one, 32, 128),
            ad("two", Set.of(), Set.of(), Map.of(), two, 32, 128)),
        List.of(service("web", false, Set.of(), "198.51.100.10")));

    assertThat(plan.routes().get("a").get(c("198.51.100.10/32")))
        .isEqualTo(new RouteAttributes(OptionalLong.of(200), List.of(1L, 2L), List.of()));
  }

  @Test
  void namingAPeerThatDoesNotExistIsReported() {
    BgpPlan plan = plan(true, List.of(peer("a", Map.of())),
        List.of(ad("typo", Set.of(), Set.of("a", "rtr-typo"), Map.of(), RouteAttributes.NONE, 32, 128)),
        List.of(service("web", false, Set.of(), "198.51.100.10")));

    assertThat(plan.routes().get("a")).hasSize(1);
    assertThat(plan.advertisements().get("typo").error())
        .contains("spec.peers: BGPPeer 'rtr-typo' does not exist");
  }

  @Test
  void poolsSelectedByAnyAdvertisementAreBgpPools() {
    List<PoolInfo> pools = List.of(pool("web", "198.51.100.0/28"), pool("lab", "203.0.113.0/28"));

    assertThat(BgpPlan.bgpPools(pools, List.of())).isEmpty();
    assertThat(BgpPlan.bgpPools(pools, List.of(all("all")))).containsExactly("lab", "web");
    assertThat(BgpPlan.bgpPools(pools, List.of(new AdvertisementConfig("sel", 32, 128,
        RouteAttributes.NONE, Set.of(), List.of(new LabelMatcher(Map.of("pool", "lab"), List.of())),
        List.of(), Set.of())))).containsExactly("lab");
  }
}
