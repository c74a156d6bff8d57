package dev.fairlead.lb.baremetal.speaker.election;

import dev.fairlead.kube.vocabulary.AddressRange;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ElectionTest {
  static final InetAddress VIP = InetAddress.ofLiteral("192.0.2.100");
  static final InetAddress VIP6 = InetAddress.ofLiteral("2001:db8::100");
  static final List<NodeInfo> NODES = List.of(node("n1"), node("n2"), node("n3"));
  static final Set<String> ALL_LIVE = Set.of("n1", "n2", "n3");

  static NodeInfo node(String name) {
    return new NodeInfo(name, false, false, List.of());
  }

  static VipService cluster(String name, InetAddress... vips) {
    return new VipService(new ServiceRef("default", name, "uid-" + name), List.of(vips), false, Set.of());
  }

  static VipService local(String name, Set<String> endpointNodes, InetAddress... vips) {
    return new VipService(new ServiceRef("default", name, "uid-" + name), List.of(vips), true, endpointNodes);
  }

  static String expectedWinner(InetAddress vip, List<String> candidates) {
    return candidates.stream()
        .min(Comparator.comparing((String n) -> Election.score(n, vip), Arrays::compareUnsigned))
        .orElseThrow();
  }

  @Test
  void winnerIsTheLowestSha256OfNodeHashIp() {
    Map<InetAddress, Assignment> result = Election.elect(NODES, List.of(cluster("web", VIP)), ALL_LIVE);

    assertThat(result.get(VIP).owner()).contains(expectedWinner(VIP, List.of("n1", "n2", "n3")));
    assertThat(result.get(VIP).candidates()).hasSize(3);
  }

  @Test
  void scoreIsSha256OfNameHashAddress() throws Exception {
    byte[] expected = java.security.MessageDigest.getInstance("SHA-256")
        .digest("n1#192.0.2.100".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(Election.score("n1", VIP)).isEqualTo(expected);
    // IPv6 in RFC 5952 text, as MetalLB (Go) writes it: same key, same node after a migration.
    assertThat(Election.score("n1", VIP6)).isEqualTo(java.security.MessageDigest.getInstance("SHA-256")
        .digest("n1#2001:db8::100".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void resultDoesNotDependOnInputOrder() {
    var a = Election.elect(NODES, List.of(cluster("a", VIP), cluster("b", VIP6)), ALL_LIVE);
    var b = Election.elect(List.of(NODES.get(2), NODES.get(0), NODES.get(1)),
        List.of(cluster("b", VIP6), cluster("a", VIP)), Set.of("n3", "n2", "n1"));

    assertThat(a).isEqualTo(b);
  }

  @Test
  void onlyLiveSpeakersAreCandidatesAndRemovingANonOwnerMovesNothing() {
    String owner = Election.elect(NODES, List.of(cluster("web", VIP)), ALL_LIVE).get(VIP).owner().orElseThrow();
    String other = ALL_LIVE.stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();

    var withoutOther = Election.elect(NODES, List.of(cluster("web", VIP)),
        ALL_LIVE.stream().filter(n -> !n.equals(other)).collect(java.util.stream.Collectors.toSet()));
    var withoutOwner = Election.elect(NODES, List.of(cluster("web", VIP)),
        ALL_LIVE.stream().filter(n -> !n.equals(owner)).collect(java.util.stream.Collectors.toSet()));

    assertThat(withoutOther.get(VIP).owner()).contains(owner);
    assertThat(withoutOwner.get(VIP).owner()).isPresent().isNotEqualTo(Optional.of(owner));
  }

  @Test
  void excludedAndNetworkUnavailableNodesNeverWin() {
    List<NodeInfo> nodes = List.of(new NodeInfo("n1", true, false, List.of()),
        new NodeInfo("n2", false, true, List.of()), node("n3"));

    assertThat(Election.elect(nodes, List.of(cluster("web", VIP)), ALL_LIVE).get(VIP).owner()).contains("n3");
  }

  @Test
  void nodesWithoutSpeakerOrUnknownMembersAreIgnored() {
    assertThat(Election.elect(NODES, List.of(cluster("web", VIP)), Set.of("n2", "stranger")).get(VIP).owner())
        .contains("n2");
    assertThat(Election.elect(NODES, List.of(cluster("web", VIP)), Set.of()).get(VIP).owner()).isEmpty();
  }

  @Test
  void localPolicyKeepsOnlyNodesWithReadyEndpoints() {
    var result = Election.elect(NODES, List.of(local("web", Set.of("n2"), VIP)), ALL_LIVE);
    var none = Election.elect(NODES, List.of(local("web", Set.of(), VIP)), ALL_LIVE);

    assertThat(result.get(VIP).owner()).contains("n2");
    assertThat(none.get(VIP).owner()).isEmpty();
  }

  @Test
  void servicesSharingAnAddressLandOnTheSameNode() {
    var result = Election.elect(NODES, List.of(cluster("http", VIP), cluster("dns", VIP)), ALL_LIVE);

    assertThat(result).hasSize(1);
    assertThat(result.get(VIP).services()).extracting(ServiceRef::name).containsExactly("dns", "http");
  }

  @Test
  void sharedAddressWithALocalServiceFollowsItsEndpoints() {
    var result = Election.elect(NODES,
        List.of(cluster("http", VIP), local("dns", Set.of("n1", "n3"), VIP)), ALL_LIVE);

    assertThat(result.get(VIP).owner()).isPresent();
    assertThat(result.get(VIP).candidates()).containsExactlyInAnyOrderElementsOf(List.of("n1", "n3"));
  }

  @Test
  void eachAddressOfADualStackServiceIsElectedOnItsOwn() {
    var result = Election.elect(NODES, List.of(cluster("web", VIP, VIP6)), ALL_LIVE);

    assertThat(result.get(VIP).owner()).contains(expectedWinner(VIP, List.of("n1", "n2", "n3")));
    assertThat(result.get(VIP6).owner()).contains(expectedWinner(VIP6, List.of("n1", "n2", "n3")));
    assertThat(Election.wonBy(result, result.get(VIP).owner().orElseThrow())).containsKey(VIP);
  }

  @Test
  void hashSpreadsManyAddressesOverNodes() {
    List<VipService> services = new java.util.ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      services.add(cluster("s" + i, InetAddress.ofLiteral("198.51.100." + i)));
    }
    var result = Election.elect(NODES, services, ALL_LIVE);

    for (String node : ALL_LIVE) {
      assertThat(Election.wonBy(result, node)).hasSizeBetween(8, 35);
    }
  }

  static NodeInfo labelled(String name, String rack) {
    return new NodeInfo(name, false, false, List.of(), Map.of("rack", rack));
  }

  @Test
  void anAddressIsElectedOnlyAmongNodesItsAdvertisementsAllowAndGetsTheirInterfaces() {
    List<NodeInfo> nodes = List.of(labelled("n1", "a"), labelled("n2", "b"), labelled("n3", "b"));
    Advertisement.Valid rackB = AdvertisementsTest.valid("rack-b", AdvertisementsTest.spec(null, null,
        List.of(AdvertisementsTest.labels("rack", "b")), List.of("vlan100")));
    Advertisement.Valid everywhereEth0 = AdvertisementsTest.valid("eth0", AdvertisementsTest.spec(
        null, null, null, List.of("eth0")));
    PoolInfo pool = new PoolInfo("p", Map.of(), List.of(AddressRange.parse("192.0.2.0/24")));

    for (int i = 0; i < 20; i++) {
      InetAddress vip = InetAddress.ofLiteral("192.0.2." + (100 + i));
      Assignment onlyRackB = Election.elect(nodes, List.of(cluster("s", vip)), ALL_LIVE,
          Advertisements.rules(List.of(pool), List.of(rackB), Set.of())).get(vip);
      assertThat(onlyRackB.candidates()).containsExactlyInAnyOrder("n2", "n3");
      assertThat(onlyRackB.owner()).contains(expectedWinner(vip, List.of("n2", "n3")));
      assertThat(onlyRackB.interfaces()).containsExactly("vlan100");

      Assignment both = Election.elect(nodes, List.of(cluster("s", vip)), ALL_LIVE,
          Advertisements.rules(List.of(pool), List.of(rackB, everywhereEth0), Set.of())).get(vip);
      String owner = both.owner().orElseThrow();
      assertThat(both.interfaces()).isEqualTo(owner.equals("n1") ? Set.of("eth0") : Set.of("eth0", "vlan100"));
    }
  }

  @Test
  void anAddressNoAdvertisementCoversIsNotElectedAtAll() {
    PoolInfo pool = new PoolInfo("p", Map.of(), List.of(AddressRange.parse("192.0.2.0/24")));
    Advertisement.Valid otherPool = AdvertisementsTest.valid("other", AdvertisementsTest.spec(
        List.of("q"), null, null, null));

    Map<InetAddress, Assignment> result = Election.elect(NODES, List.of(cluster("s", VIP)), ALL_LIVE,
        Advertisements.rules(List.of(pool), List.of(otherPool), Set.of()));

    assertThat(result).isEmpty();
  }
}
