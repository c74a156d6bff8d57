package dev.fairlead.lb.baremetal.speaker.bgp.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.baremetal.crd.BFDProfile;
import dev.fairlead.lb.baremetal.crd.BFDProfileSpec;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisement;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisementSpec;
import dev.fairlead.lb.baremetal.crd.BGPPeer;
import dev.fairlead.lb.baremetal.crd.BGPPeerSpec;
import dev.fairlead.lb.baremetal.speaker.bfd.BfdSettings;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.PathAttribute.LargeCommunity;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BGPPeer, BFDProfile and BGPAdvertisement validation: defaults, and an error naming the field. */
class BgpConfigTest {
  static BGPPeerSpec base() {
    return new BGPPeerSpec(64513L, 64512L, "192.0.2.1", null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null);
  }

  static BGPPeer peer(BGPPeerSpec spec) {
    BGPPeer p = new BGPPeer();
    p.getMetadata().setName("rtr");
    p.setSpec(spec);
    return p;
  }

  static BFDProfile profile(String name, BFDProfileSpec spec) {
    BFDProfile p = new BFDProfile();
    p.getMetadata().setName(name);
    p.setSpec(spec);
    return p;
  }

  @Test
  void defaultsAreMetalLbs() {
    PeerConfig c = PeerConfig.parse(peer(base()), Map.of(), "fairlead-system").value().orElseThrow();

    assertThat(c.port()).isEqualTo(179);
    assertThat(c.holdTime()).isEqualTo(90);
    assertThat(c.keepaliveTime()).isZero();
    assertThat(c.connectTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.ttl()).isEqualTo(1); // eBGP, directly connected
    assertThat(c.bfd()).isEmpty();
    assertThat(c.selects(Map.of("any", "node"))).isTrue();
  }

  @Test
  void aFullPeerParses() {
    BGPPeerSpec s = new BGPPeerSpec(4_200_000_000L, 64512L, "2001:db8::1", 1179, "2001:db8::2",
        "3s", "1s", "5s", "192.0.2.9", true,
        List.of(new LabelSelectorBuilder().addToMatchLabels("rack", "r1").build()), null,
        new BGPPeerSpec.SecretReference("bgp-password", null), null, true, true, null, null, null);
    PeerConfig c = PeerConfig.parse(peer(s), Map.of(), "fairlead-system").value().orElseThrow();

    assertThat(c.myAsn()).isEqualTo(4_200_000_000L);
    assertThat(c.address()).isEqualTo(InetAddress.ofLiteral("2001:db8::1"));
    assertThat(c.holdTime()).isEqualTo(3);
    assertThat(c.keepaliveTime()).isEqualTo(1);
    assertThat(c.ttl()).isEqualTo(255);
    assertThat(c.passwordSecret()).contains(new PeerConfig.SecretRef("fairlead-system", "bgp-password"));
    assertThat(c.selects(Map.of("rack", "r1"))).isTrue();
    assertThat(c.selects(Map.of("rack", "r2"))).isFalse();
    assertThat(c.gracefulRestart()).isTrue();
    assertThat(c.dualStack()).isTrue();
  }

  @Test
  void aBfdProfileIsResolvedByName() {
    BGPPeerSpec s = with(base(), b -> new BGPPeerSpec(b.myASN(), b.peerASN(), b.peerAddress(), null,
        null, null, null, null, null, null, null, null, null, "fast", null, null, null, null, null));
    PeerConfig c = PeerConfig.parse(peer(s),
        Map.of("fast", profile("fast", new BFDProfileSpec(200, 100, 5, null, null, true, null))),
        "ns").value().orElseThrow();

    assertThat(c.bfd()).contains(new BfdSettings(Duration.ofMillis(100), Duration.ofMillis(200), 5, true));
  }

  static BGPPeerSpec with(BGPPeerSpec base, UnaryOperator<BGPPeerSpec> change) {
    return change.apply(base);
  }

  static BGPPeerSpec spec(Long my, Long peerAs, String address, Integer port, String source,
      String hold, String keepalive, String routerId, String password, String bfd, Boolean multiHop,
      String vrf) {
    return new BGPPeerSpec(my, peerAs, address, port, source, hold, keepalive, null, routerId,
        multiHop, null, password, null, bfd, null, null, vrf, null, null);
  }

  static Stream<Arguments> badPeers() {
    return Stream.of(
        Arguments.of(spec(null, 64512L, "192.0.2.1", null, null, null, null, null, null, null, null, null), "spec.myASN is required"),
        Arguments.of(spec(0L, 64512L, "192.0.2.1", null, null, null, null, null, null, null, null, null), "spec.myASN must be 1-4294967295"),
        Arguments.of(spec(64513L, 1L << 32, "192.0.2.1", null, null, null, null, null, null, null, null, null), "spec.peerASN"),
        Arguments.of(spec(64513L, 64512L, "router.example", null, null, null, null, null, null, null, null, null), "spec.peerAddress: 'router.example' is not an IP address"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", 0, null, null, null, null, null, null, null, null), "spec.peerPort"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, "2001:db8::2", null, null, null, null, null, null, null), "one family"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, "2s", null, null, null, null, null, null), "spec.holdTime must be 0 or 3s"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, "soon", null, null, null, null, null, null), "spec.holdTime: 'soon' is not a duration"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, "9s", "10s", null, null, null, null, null), "must not exceed spec.holdTime"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, null, null, "2001:db8::9", null, null, null, null), "spec.routerID must be a non-zero IPv4"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, null, null, null, "s3cret", null, null, null), "spec.password is not supported"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, null, null, null, null, "missing", null, null), "BFDProfile 'missing' does not exist"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, null, null, null, null, "fast", true, null), "cannot be combined with spec.ebgpMultiHop"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, null, null, null, null, "echo", null, null), "echoMode is not supported"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, null, null, null, null, "slow", null, null), "BFDProfile 'slow': BFD intervals"),
        Arguments.of(spec(64513L, 64512L, "192.0.2.1", null, null, null, null, null, null, null, null, "red"), "spec.vrf: VRFs are not supported"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badPeers")
  void invalidPeersAreRejectedNamingTheField(BGPPeerSpec spec, String message) {
    Map<String, BFDProfile> profiles = Map.of(
        "fast", profile("fast", new BFDProfileSpec(300, 300, 3, null, null, null, null)),
        "echo", profile("echo", new BFDProfileSpec(300, 300, 3, 50, true, null, null)),
        "slow", profile("slow", new BFDProfileSpec(300, 90_000, 3, null, null, null, null)));

    Parsed<PeerConfig> parsed = PeerConfig.parse(peer(spec), profiles, "ns");

    assertThat(parsed.value()).isEmpty();
    assertThat(parsed.error()).hasValueSatisfying(e -> assertThat(e).contains(message));
  }

  static BGPAdvertisement ad(Integer v4, Integer v6, Long pref, List<String> communities) {
    BGPAdvertisement a = new BGPAdvertisement();
    a.getMetadata().setName("ad");
    a.setSpec(new BGPAdvertisementSpec(v4, v6, pref, communities, null, null, null, null));
    return a;
  }

  @Test
  void communitiesLargeCommunitiesAndWellKnownNamesParse() {
    AdvertisementConfig c = AdvertisementConfig.parse(ad(null, null, 150L,
        List.of("65000:100", "large:4200000000:1:2", "no-export", "65000:100"))).value().orElseThrow();

    assertThat(c.aggregationLength()).isEqualTo(32);
    assertThat(c.aggregationLengthV6()).isEqualTo(128);
    assertThat(c.attributes().localPref()).hasValue(150);
    assertThat(c.attributes().communities()).containsExactly((65000L << 16) | 100, 0xFFFF_FF01L);
    assertThat(c.attributes().largeCommunities())
        .containsExactly(new LargeCommunity(4_200_000_000L, 1, 2));
  }

  static Stream<Arguments> badAds() {
    return Stream.of(
        Arguments.of(ad(33, null, null, null), "spec.aggregationLength must be 0-32"),
        Arguments.of(ad(null, 129, null, null), "spec.aggregationLengthV6 must be 0-128"),
        Arguments.of(ad(null, null, -1L, null), "spec.localPref"),
        Arguments.of(ad(null, null, null, List.of("65536:1")), "spec.communities[0]: '65536:1' is out of range"),
        Arguments.of(ad(null, null, null, List.of("ok:1", "x")), "spec.communities[0]: 'ok:1' is not a community"),
        Arguments.of(ad(null, null, null, List.of("large:1:2")), "Community aliases are not supported"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badAds")
  void invalidAdvertisementsAreRejectedNamingTheField(BGPAdvertisement ad, String message) {
    assertThat(AdvertisementConfig.parse(ad).error())
        .hasValueSatisfying(e -> assertThat(e).contains(message));
  }
}
