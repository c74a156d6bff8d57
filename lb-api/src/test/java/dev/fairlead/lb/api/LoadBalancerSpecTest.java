package dev.fairlead.lb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LoadBalancerSpecTest {

  static final ServiceKey KEY = new ServiceKey("shop", "web", "0f1e2d3c");
  static final BackendNode NODE_A =
      new BackendNode("node-a", "", List.of(InetAddress.ofLiteral("192.0.2.10")), Map.of());

  static LoadBalancerSpec spec(
      List<PortMapping> ports, List<InetAddress> requested, List<IpFamily> families) {
    return new LoadBalancerSpec(
        KEY, ports, List.of(NODE_A), requested, List.of(), new TrafficPolicy.Cluster(), families,
        Map.of());
  }

  static final List<PortMapping> HTTP = List.of(new PortMapping("http", Protocol.TCP, 80, 30080));

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("no ports", (Runnable) () -> spec(List.of(), List.of(), List.of(IpFamily.IPV4)),
            "at least one port"),
        Arguments.of("same port twice", (Runnable) () -> spec(
            List.of(new PortMapping("a", Protocol.TCP, 80, 30080),
                new PortMapping("b", Protocol.TCP, 80, 30081)), List.of(), List.of(IpFamily.IPV4)),
            "80/TCP appears twice"),
        Arguments.of("no family", (Runnable) () -> spec(HTTP, List.of(), List.of()), "ipFamilies"),
        Arguments.of("family twice", (Runnable) () -> spec(HTTP, List.of(),
            List.of(IpFamily.IPV4, IpFamily.IPV4)), "ipFamilies"),
        Arguments.of("requested v6 on v4-only", (Runnable) () -> spec(HTTP,
            List.of(InetAddress.ofLiteral("2001:db8::5")), List.of(IpFamily.IPV4)),
            "2001:db8::5 is not of the Service's IP families"),
        Arguments.of("port 0", (Runnable) () -> new PortMapping("", Protocol.TCP, 0, 30000),
            "port 0 is outside"),
        Arguments.of("nodePort too big", (Runnable) () -> new PortMapping("", Protocol.UDP, 53, 70000),
            "nodePort 70000"),
        Arguments.of("health check port", (Runnable) () -> new TrafficPolicy.Local(0),
            "healthCheckNodePort 0"),
        Arguments.of("blank uid", (Runnable) () -> new ServiceKey("ns", "n", " "), "uid"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void invalidValuesAreRejectedWithAMessageNamingTheProblem(
      String name, Runnable construction, String message) {
    assertThatThrownBy(construction::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void collectionsAreCopiedSoCallersCannotChangeASpec() {
    List<PortMapping> ports = new ArrayList<>(HTTP);
    LoadBalancerSpec spec = spec(ports, List.of(), List.of(IpFamily.IPV4));
    ports.add(new PortMapping("https", Protocol.TCP, 443, 30443));
    assertThat(spec.ports()).hasSize(1);
    assertThatThrownBy(() -> spec.ports().add(ports.get(1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sameExceptBackendsIgnoresOnlyTheBackends() {
    LoadBalancerSpec spec = spec(HTTP, List.of(), List.of(IpFamily.IPV4));
    BackendNode nodeB = new BackendNode("node-b", "", List.of(), Map.of());
    assertThat(spec.sameExceptBackends(spec.withBackends(List.of(nodeB)))).isTrue();
    assertThat(spec.sameExceptBackends(spec(List.of(new PortMapping("http", Protocol.TCP, 8080,
        30080)), List.of(), List.of(IpFamily.IPV4)))).isFalse();
    assertThat(spec.sameExceptBackends(null)).isFalse();
  }

  @Test
  void labelsArePartOfTheSpecAndTheOldConstructorHasNone() {
    LoadBalancerSpec withoutLabels = spec(HTTP, List.of(), List.of(IpFamily.IPV4));
    LoadBalancerSpec labelled = new LoadBalancerSpec(KEY, HTTP, List.of(NODE_A), List.of(), List.of(),
        new TrafficPolicy.Cluster(), List.of(IpFamily.IPV4), Map.of("tier", "edge"), Map.of(), Map.of());
    assertThat(withoutLabels.labels()).isEmpty();
    assertThat(labelled.label("tier")).contains("edge");
    assertThat(labelled).isNotEqualTo(withoutLabels);
    assertThat(labelled.withBackends(List.of()).labels()).containsEntry("tier", "edge");
    assertThat(labelled.sameExceptBackends(withoutLabels)).isFalse();
  }

  @Test
  void thePodSelectorIsPartOfTheSpec() {
    LoadBalancerSpec web = new LoadBalancerSpec(KEY, HTTP, List.of(NODE_A), List.of(), List.of(),
        new TrafficPolicy.Local(31000), List.of(IpFamily.IPV4), Map.of(), Map.of("app", "web"), Map.of());
    assertThat(web.podSelector()).containsEntry("app", "web");
    assertThat(spec(HTTP, List.of(), List.of(IpFamily.IPV4)).podSelector()).isEmpty();
    assertThat(web.withBackends(List.of()).podSelector()).isEqualTo(web.podSelector());
  }

  @Test
  void metadataUsePassesOnOnlyWhatAProviderReads() {
    Map<String, String> all = Map.of("fairlead.dev/address-pool", "lab", "kubectl.kubernetes.io/x", "y");
    assertThat(MetadataUse.ALL_ANNOTATIONS.annotations(all)).isEqualTo(all);
    assertThat(MetadataUse.ALL_ANNOTATIONS.labels(all)).isEmpty();
    MetadataUse ours = new MetadataUse(java.util.Set.of("fairlead.dev/"), java.util.Set.of(""));
    assertThat(ours.annotations(all)).containsOnlyKeys("fairlead.dev/address-pool");
    assertThat(ours.labels(all)).isEqualTo(all);
  }

  static Stream<Arguments> capabilityGaps() {
    ProviderCapabilities tcpOnly = new ProviderCapabilities(Set.of(Protocol.TCP), false, false,
        false, false, Set.of(IpFamily.IPV4));
    UnaryOperator<LoadBalancerSpec> identity = s -> s;
    LoadBalancerSpec base = spec(HTTP, List.of(), List.of(IpFamily.IPV4));
    return Stream.of(
        Arguments.of(tcpOnly, identity.apply(base), null),
        Arguments.of(tcpOnly, spec(List.of(new PortMapping("dns", Protocol.UDP, 53, 30053)),
            List.of(), List.of(IpFamily.IPV4)), "protocol UDP"),
        Arguments.of(new ProviderCapabilities(Set.of(Protocol.TCP, Protocol.UDP), false, false,
            false, false, Set.of(IpFamily.IPV4)), spec(List.of(HTTP.get(0),
            new PortMapping("dns", Protocol.UDP, 53, 30053)), List.of(), List.of(IpFamily.IPV4)),
            "mixed protocols"),
        Arguments.of(tcpOnly, new LoadBalancerSpec(KEY, HTTP, List.of(), List.of(),
            List.of(Cidr.parse("203.0.113.0/24")), new TrafficPolicy.Cluster(),
            List.of(IpFamily.IPV4), Map.of()), "loadBalancerSourceRanges"),
        Arguments.of(tcpOnly, spec(HTTP, List.of(InetAddress.ofLiteral("192.0.2.1")),
            List.of(IpFamily.IPV4)), "requesting specific addresses"),
        Arguments.of(tcpOnly, new LoadBalancerSpec(KEY, HTTP, List.of(), List.of(), List.of(),
            new TrafficPolicy.Local(31000), List.of(IpFamily.IPV4), Map.of()),
            "externalTrafficPolicy Local"),
        Arguments.of(tcpOnly, spec(HTTP, List.of(), List.of(IpFamily.IPV6)), "IP family IPV6"));
  }

  @ParameterizedTest
  @MethodSource("capabilityGaps")
  void capabilitiesNameTheFirstUnsupportedFeature(
      ProviderCapabilities capabilities, LoadBalancerSpec spec, String expected) {
    Optional<String> gap = capabilities.unsupportedBy(spec);
    if (expected == null) {
      assertThat(gap).isEmpty();
    } else {
      assertThat(gap).get(org.assertj.core.api.InstanceOfAssertFactories.STRING).contains(expected);
    }
  }
}
