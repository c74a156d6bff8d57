package dev.fairlead.lb.gcp.model;

import static dev.fairlead.lb.gcp.model.ModelTestData.CLUSTER;
import static dev.fairlead.lb.gcp.model.ModelTestData.SETTINGS;
import static dev.fairlead.lb.gcp.model.ModelTestData.SPECS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.SessionAffinity;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.tck.Specs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelBuilderTest {
  static LbModel build(LoadBalancerSpec spec) {
    return ModelBuilder.build(spec, SETTINGS, CLUSTER);
  }

  @Test
  void upstreamNamesFromTheUid() {
    ServiceKey key = new ServiceKey("shop", "web", "4d6f1b2c-3e5f-6071-8293-a4b5c6d7e8f9");
    LbModel m = build(SPECS.forService(key).build());
    assertThat(m.names().lb()).isEqualTo("a4d6f1b2c3e5f60718293a4b5c6d7e8f").hasSize(32);
    assertThat(m.names().firewall()).isEqualTo("k8s-fw-a4d6f1b2c3e5f60718293a4b5c6d7e8f");
    assertThat(m.healthCheck().name()).isEqualTo("k8s-c1-node");
    assertThat(m.healthCheckFirewall().name()).isEqualTo("k8s-c1-node-http-hc");
    assertThat(m.names().instanceGroup()).isEqualTo("k8s-ig--c1");
  }

  @Test
  void externalRuleCoversThePortRangeAndTheFirewallTheExactPorts() {
    LbModel m = build(SPECS.forNewService().ports(Specs.port(Protocol.TCP, 443), Specs.port(Protocol.TCP, 80)).build());
    assertThat(m.rules()).singleElement().satisfies(r -> {
      assertThat(r.portRange()).hasValue("80-443");
      assertThat(r.protocol()).isEqualTo(Protocol.TCP);
    });
    assertThat(m.firewall().allowed()).isEqualTo(Map.of(Protocol.TCP, List.of("80", "443")));
    assertThat(m.firewall().sourceRanges()).containsExactly("0.0.0.0/0");
    assertThat(m.healthCheck()).isEqualTo(new LbModel.HealthCheck("k8s-c1-node", 10256, "/healthz", true, true));
    assertThat(m.pool()).hasValueSatisfying(p -> assertThat(p.sessionAffinity()).isEqualTo("NONE"));
    assertThat(m.keepAddress()).isFalse();
  }

  @Test
  void tcpAndUdpGetTwoRulesOnOneKeptAddress() {
    LbModel m = build(SPECS.forNewService().ports(Specs.port(Protocol.TCP, 53), Specs.port(Protocol.UDP, 53)).build());
    assertThat(m.rules()).extracting(LbModel.Rule::name).containsExactly(m.names().lb(), m.names().lb() + "-udp");
    assertThat(m.keepAddress()).isTrue();
  }

  @Test
  void localPolicyChecksTheHealthCheckNodePort() {
    LbModel m = build(SPECS.forNewService().trafficPolicy(new TrafficPolicy.Local(32000)).build());
    assertThat(m.healthCheck()).isEqualTo(new LbModel.HealthCheck(m.names().lb(), 32000, "/healthz", false, true));
    assertThat(m.healthCheckFirewall().name()).isEqualTo("k8s-" + m.names().lb() + "-http-hc");
    assertThat(m.healthCheckFirewall().sourceRanges()).containsAll(ModelBuilder.HEALTH_CHECK_RANGES);
  }

  @Test
  void internalListsUpToFivePortsThenAllPorts() {
    Map<String, String> internal = Map.of(ServiceOptions.TYPE, "Internal");
    LbModel five = build(SPECS.forNewService().annotations(internal).ports(Specs.port(Protocol.TCP, 1),
        Specs.port(Protocol.TCP, 2), Specs.port(Protocol.TCP, 3), Specs.port(Protocol.TCP, 4), Specs.port(Protocol.TCP, 5)).build());
    assertThat(five.rules().getFirst().ports()).containsExactly("1", "2", "3", "4", "5");
    assertThat(five.rules().getFirst().allPorts()).isFalse();
    assertThat(five.rules().getFirst().subnetwork()).hasValue("default");
    assertThat(five.healthCheck().legacy()).isFalse();
    assertThat(five.healthCheckFirewall().name()).isEqualTo("k8s-c1-node-hc");
    LbModel six = build(SPECS.forNewService().annotations(internal).ports(Specs.port(Protocol.TCP, 1),
        Specs.port(Protocol.TCP, 2), Specs.port(Protocol.TCP, 3), Specs.port(Protocol.TCP, 4), Specs.port(Protocol.TCP, 5),
        Specs.port(Protocol.TCP, 6)).build());
    assertThat(six.rules().getFirst().allPorts()).isTrue();
    assertThat(six.rules().getFirst().ports()).isEmpty();
    assertThat(six.backendService()).hasValueSatisfying(b -> assertThat(b.instanceGroup()).isEqualTo("k8s-ig--c1"));
    assertThat(six.zones()).containsExactly("us-central1-a", "us-central1-b");
  }

  @Test
  void sourceRangesAndRequestedAddress() {
    LbModel m = build(SPECS.forNewService().sourceRanges(Cidr.parse("203.0.113.0/24"), Cidr.parse("198.51.100.0/25"))
        .requestedAddresses(IpLiteral.parse("203.0.113.9")).build());
    assertThat(m.firewall().sourceRanges()).containsExactly("198.51.100.0/25", "203.0.113.0/24");
    assertThat(m.requestedIp()).hasValue("203.0.113.9");
  }

  @Test
  void fingerprintIgnoresBackendsButNotTheShape() {
    LoadBalancerSpec spec = SPECS.newSpec();
    String fp = build(spec).fingerprint();
    assertThat(build(spec.withBackends(ModelTestData.NODES.subList(0, 1))).fingerprint()).isEqualTo(fp);
    assertThat(build(SPECS.forService(spec.service()).ports(Specs.port(Protocol.TCP, 81)).build()).fingerprint())
        .isNotEqualTo(fp);
    assertThat(build(SPECS.forService(spec.service()).sessionAffinity(SessionAffinity.CLIENT_IP)
        .build()).fingerprint()).isNotEqualTo(fp);
  }

  @Test
  void refusalsNameTheField() {
    assertThatThrownBy(() -> build(SPECS.forNewService().ports(Specs.port(Protocol.SCTP, 9)).build()))
        .isInstanceOf(InvalidServiceException.class).hasMessageContaining("SCTP");
    assertThatThrownBy(() -> build(SPECS.forNewService().ipFamilies(IpFamily.IPV6).build()))
        .hasMessageContaining("spec.ipFamilies");
    assertThatThrownBy(() -> build(SPECS.forNewService().backends(List.of(new BackendNode("bare", "aws:///x/i-1",
        List.of(), Map.of()))).build())).hasMessageContaining("node bare").hasMessageContaining("gce://");
    assertThatThrownBy(() -> build(SPECS.forNewService().backends(List.of(ModelTestData.node(9, "europe-west1-b"))).build()))
        .hasMessageContaining("outside the load balancers' region us-central1");
  }
}
