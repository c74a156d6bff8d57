package dev.fairlead.lb.azure.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.SessionAffinity;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.api.IpFamily;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ServiceModelTest {
  static final Topology TOPOLOGY = new Topology("kubernetes", "sub", "rg", "eastus", "rg", "vnet", "nodes",
      Optional.of(new Topology.SecurityGroupRef("rg", "nsg")));
  static final ServiceKey KEY = new ServiceKey("shop", "web", "4d6f1b2c-3e5f-6071-8293-a4b5c6d7e8f9");
  static final String OWNER = "a4d6f1b2c3e5f60718293a4b5c6d7e8f";
  static final List<PortMapping> PORTS = List.of(new PortMapping("http", Protocol.TCP, 80, 30080),
      new PortMapping("dns", Protocol.UDP, 53, 30053));

  static LoadBalancerSpec spec(Map<String, String> annotations, TrafficPolicy policy, List<Cidr> ranges) {
    return new LoadBalancerSpec(KEY, PORTS, List.of(new BackendNode("n1", "azure:///x",
        List.of(InetAddress.ofLiteral("192.0.2.11")), Map.of())), List.of(), ranges, policy, List.of(IpFamily.IPV4),
        annotations);
  }

  static DesiredService build(Map<String, String> annotations) {
    return ServiceModel.build(spec(annotations, new TrafficPolicy.Cluster(), List.of()), TOPOLOGY);
  }

  @Test
  void clientIpAffinityIsSourceIpDistribution() {
    LoadBalancerSpec base = spec(Map.of(), new TrafficPolicy.Cluster(), List.of());
    LoadBalancerSpec sticky = new LoadBalancerSpec(base.service(), base.ports(), base.backends(),
        base.requestedAddresses(), base.sourceRanges(), base.trafficPolicy(), base.ipFamilies(),
        base.labels(), base.podSelector(), base.annotations(), SessionAffinity.CLIENT_IP);

    assertThat(ServiceModel.build(sticky, TOPOLOGY).rules()).extracting(LbDocument.Rule::loadDistribution)
        .containsOnly("SourceIP");
    assertThat(ServiceModel.build(base, TOPOLOGY).rules()).extracting(LbDocument.Rule::loadDistribution)
        .containsOnly("Default");
  }

  @Test
  void defaultsAreUpstreams() {
    DesiredService d = build(Map.of());
    assertThat(d.owner()).isEqualTo(OWNER);
    assertThat(d.loadBalancer()).isEqualTo("kubernetes");
    assertThat(d.rules()).extracting(LbDocument.Rule::name).containsExactly(OWNER + "-TCP-80", OWNER + "-UDP-53");
    assertThat(d.rules().getFirst()).isEqualTo(new LbDocument.Rule(OWNER + "-TCP-80", OWNER, "Tcp", 80, 80,
        "kubernetes", Optional.of(OWNER + "-TCP-80"), true, 4, true, "Default"));
    assertThat(d.rules().get(1).probe()).as("Azure cannot probe UDP; nothing listens for TCP there").isEmpty();
    assertThat(d.probes()).singleElement().isEqualTo(new LbDocument.Probe(OWNER + "-TCP-80", "Tcp", 30080,
        Optional.empty(), 5, 2));
    DesiredService.DesiredPublicIp pip = ((DesiredService.PublicIpChoice.Named) d.publicIp().orElseThrow()).desired();
    assertThat(pip.name()).isEqualTo("kubernetes-" + OWNER);
    assertThat(pip.tags()).containsEntry("k8s-azure-service", "shop/web").containsEntry("k8s-azure-cluster-name",
        "kubernetes");
    assertThat(d.securityRules()).containsExactly(
        new NsgChange.Key("Tcp", List.of("Internet"), List.of("80"), false),
        new NsgChange.Key("Udp", List.of("Internet"), List.of("53"), false));
  }

  static Stream<Arguments> annotated() {
    String p = Annotations.PREFIX;
    return Stream.of(
        Arguments.of(Map.of(p + "azure-load-balancer-internal", "true", p + "azure-load-balancer-internal-subnet",
            "ilb"), "internal frontend in the named subnet"),
        Arguments.of(Map.of(p + "azure-disable-load-balancer-floating-ip", "true"), "backend on the node port"),
        Arguments.of(Map.of(p + "azure-load-balancer-tcp-idle-timeout", "30", p
            + "azure-load-balancer-disable-tcp-reset", "true"), "idle timeout 30, no reset"),
        Arguments.of(Map.of(p + "port_80_health-probe_protocol", "Http", p + "port_80_health-probe_request-path",
            "/ready", p + "azure-load-balancer-health-probe-interval", "10"), "HTTP probe /ready every 10 s"),
        Arguments.of(Map.of(p + "azure-pip-name", "my-ip", p + "azure-dns-label-name", "shop-web",
            p + "azure-pip-tags", "team=shop,cost=42"), "named public IP with label and tags"),
        Arguments.of(Map.of(p + "azure-allowed-service-tags", "AzureFrontDoor.Backend", p + "azure-allowed-ip-ranges",
            "198.51.100.0/24", p + "azure-shared-securityrule", "false"), "service tag and range rules, dedicated"),
        Arguments.of(Map.of(p + "port_53_no_lb_rule", "true"), "no rule for port 53"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("annotated")
  void annotationsKeepTheirUpstreamMeaning(Map<String, String> annotations, String expected) {
    DesiredService d = build(annotations);
    switch (expected) {
      case "internal frontend in the named subnet" -> {
        assertThat(d.loadBalancer()).isEqualTo("kubernetes-internal");
        assertThat(d.frontendName()).isEqualTo(OWNER + "-ilb");
        assertThat(d.subnetTarget().orElseThrow().subnetId()).endsWith("/virtualNetworks/vnet/subnets/ilb");
        assertThat(d.securityRules()).as("clients in the network are admitted by default").isEmpty();
      }
      case "backend on the node port" -> {
        assertThat(d.rules().getFirst().floatingIp()).isFalse();
        assertThat(d.rules().getFirst().backendPort()).isEqualTo(30080);
        assertThat(d.securityRules().getFirst().toNodes()).isTrue();
        assertThat(d.securityRules().getFirst().ports()).containsExactly("30080");
      }
      case "idle timeout 30, no reset" -> {
        assertThat(d.rules().getFirst().idleTimeoutMinutes()).isEqualTo(30);
        assertThat(d.rules().getFirst().tcpReset()).isFalse();
      }
      case "HTTP probe /ready every 10 s" -> assertThat(d.probes().getFirst()).isEqualTo(new LbDocument.Probe(
          OWNER + "-TCP-80", "Http", 30080, Optional.of("/ready"), 10, 2));
      case "named public IP with label and tags" -> {
        DesiredService.DesiredPublicIp pip = ((DesiredService.PublicIpChoice.Named) d.publicIp().orElseThrow())
            .desired();
        assertThat(pip.name()).isEqualTo("my-ip");
        assertThat(pip.userNamed()).isTrue();
        assertThat(pip.dnsLabel()).hasValue("shop-web");
        assertThat(pip.tags()).containsEntry("team", "shop").containsEntry("cost", "42");
      }
      case "service tag and range rules, dedicated" -> {
        assertThat(d.dedicatedSecurityRules()).isTrue();
        assertThat(d.securityRules()).extracting(NsgChange.Key::sources).containsOnly(
            List.of("AzureFrontDoor.Backend"), List.of("198.51.100.0/24"));
      }
      case "no rule for port 53" -> assertThat(d.rules()).extracting(LbDocument.Rule::frontendPort).containsExactly(80);
      default -> throw new AssertionError(expected);
    }
  }

  @Test
  void theLocalPolicyProbesTheHealthCheckNodePortOverHttp() {
    DesiredService d = ServiceModel.build(spec(Map.of(), new TrafficPolicy.Local(32123), List.of()), TOPOLOGY);
    assertThat(d.probes()).allSatisfy(p -> {
      assertThat(p.protocol()).isEqualTo("Http");
      assertThat(p.port()).isEqualTo(32123);
      assertThat(p.requestPath()).hasValue("/healthz");
    });
    assertThat(d.probes()).hasSize(2);
  }

  @Test
  void sourceRangesReplaceTheInternet() {
    DesiredService d = ServiceModel.build(spec(Map.of(), new TrafficPolicy.Cluster(),
        List.of(Cidr.parse("203.0.113.0/24"))), TOPOLOGY);
    assertThat(d.securityRules()).extracting(NsgChange.Key::sources).containsOnly(List.of("203.0.113.0/24"));
  }

  static Stream<Arguments> invalid() {
    String p = Annotations.PREFIX;
    return Stream.of(
        Arguments.of(p + "azure-load-balancer-internal", "yes", "must be \"true\" or \"false\""),
        Arguments.of(p + "azure-load-balancer-tcp-idle-timeout", "2", "between 4 and 100"),
        Arguments.of(p + "azure-load-balancer-tcp-idle-timeout", "soon", "not a number"),
        Arguments.of(p + "azure-load-balancer-health-probe-protocol", "udp", "Tcp, Http or Https"),
        Arguments.of(p + "azure-load-balancer-health-probe-request-path", "ready", "starting with '/'"),
        Arguments.of(p + "azure-dns-label-name", "Shop_Web", "DNS label"),
        Arguments.of(p + "azure-pip-name", "-bad", "public IP name"),
        Arguments.of(p + "azure-pip-tags", "k8s-azure-service=x", "set by the controller"),
        Arguments.of(p + "azure-allowed-ip-ranges", "10.0.0.0/33", "not a CIDR"),
        Arguments.of(p + "azure-allowed-service-tags", "Azure Front Door", "service tag"),
        Arguments.of(p + "azure-load-balancer-internal-subnet", "ilb", "needs"),
        Arguments.of(p + "port_8080_health-probe_protocol", "Http", "does not have"),
        Arguments.of(p + "port_80_health-probe_port", "metrics", "port number or the name"),
        Arguments.of(p + "port_80_health-probe_colour", "blue", "not a known per-port setting"),
        Arguments.of(p + "azure-load-balancer-ipv4", "2001:db8::1", "not an IPv4 address"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalid")
  void anInvalidAnnotationFailsNamingIt(String key, String value, String reason) {
    assertThatThrownBy(() -> build(Map.of(key, value))).isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining(key).hasMessageContaining(reason);
  }
}
