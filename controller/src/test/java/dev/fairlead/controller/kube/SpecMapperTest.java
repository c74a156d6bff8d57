package dev.fairlead.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.controller.model.SpecMapping;
import dev.fairlead.kube.vocabulary.RequestedAddresses;
import dev.fairlead.lb.api.MetadataUse;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.SessionAffinity;
import dev.fairlead.lb.api.TrafficPolicy;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecMapperTest {
  static final List<BackendNode> NODES =
      List.of(new BackendNode("n1", "", List.of(InetAddress.ofLiteral("198.51.100.1")), Map.of()));

  static Service service(Consumer<Service> change) {
    Service service =
        new ServiceBuilder()
            .withNewMetadata().withNamespace("ns").withName("web").withUid("uid-1").endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withPorts(new ServicePortBuilder().withName("http").withProtocol("TCP").withPort(80)
                .withNodePort(30080).build())
            .withIpFamilies("IPv4")
            .endSpec()
            .build();
    change.accept(service);
    return service;
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("no ports", (Consumer<Service>) s -> s.getSpec().setPorts(List.of()),
            "spec.ports", "at least one port"),
        Arguments.of("bad protocol", (Consumer<Service>) s -> s.getSpec().getPorts().get(0).setProtocol("ICMP"),
            "spec.ports[0].protocol", "'ICMP'"),
        Arguments.of("port out of range", (Consumer<Service>) s -> s.getSpec().getPorts().get(0).setPort(70000),
            "spec.ports[0].port", "70000"),
        Arguments.of("node port missing", (Consumer<Service>) s -> s.getSpec().getPorts().get(0).setNodePort(null),
            "spec.ports[0].nodePort", "not allocated"),
        Arguments.of("duplicate port", (Consumer<Service>) s -> s.getSpec().getPorts().add(
                new ServicePortBuilder().withName("again").withPort(80).withNodePort(30081).build()),
            "spec.ports[1]", "80/TCP is listed twice"),
        Arguments.of("bad loadBalancerIP", (Consumer<Service>) s -> s.getSpec().setLoadBalancerIP("10.0.0"),
            "spec.loadBalancerIP", "'10.0.0' is not an IP address"),
        Arguments.of("v6 IP on v4 Service", (Consumer<Service>) s -> s.getSpec().setLoadBalancerIP("2001:db8::1"),
            "spec.loadBalancerIP", "IPv6 but the Service's ipFamilies are [IPv4]"),
        Arguments.of("both IP fields", (Consumer<Service>) s -> {
              s.getSpec().setLoadBalancerIP("192.0.2.1");
              s.getMetadata().setAnnotations(Map.of(RequestedAddresses.ANNOTATION, "192.0.2.2"));
            }, "annotation fairlead.dev/load-balancer-ips", "cannot be combined"),
        Arguments.of("two v4 in annotation", (Consumer<Service>) s -> s.getMetadata().setAnnotations(
                Map.of(RequestedAddresses.ANNOTATION, "192.0.2.1,192.0.2.2")),
            "annotation fairlead.dev/load-balancer-ips", "more than one IPv4"),
        Arguments.of("bad source range", (Consumer<Service>) s -> s.getSpec().setLoadBalancerSourceRanges(
                List.of("203.0.113.0/24", "203.0.113.0/99")),
            "spec.loadBalancerSourceRanges[1]", "'203.0.113.0/99'"),
        Arguments.of("bad source range annotation", (Consumer<Service>) s -> s.getMetadata().setAnnotations(
                Map.of(SpecMapper.SOURCE_RANGES_ANNOTATION, "nope")),
            "annotation service.beta.kubernetes.io/load-balancer-source-ranges[0]", "'nope'"),
        Arguments.of("bad traffic policy", (Consumer<Service>) s -> s.getSpec().setExternalTrafficPolicy("Nearby"),
            "spec.externalTrafficPolicy", "'Nearby'"),
        Arguments.of("Local without health check port",
            (Consumer<Service>) s -> s.getSpec().setExternalTrafficPolicy("Local"),
            "spec.healthCheckNodePort", "must be allocated"),
        Arguments.of("bad family", (Consumer<Service>) s -> s.getSpec().setIpFamilies(List.of("IPv5")),
            "spec.ipFamilies[0]", "'IPv5'"),
        Arguments.of("no uid", (Consumer<Service>) s -> s.getMetadata().setUid(null),
            "metadata.uid", "not set"),
        Arguments.of("bad session affinity", (Consumer<Service>) s -> s.getSpec().setSessionAffinity("Sticky"),
            "spec.sessionAffinity", "'Sticky' is not None or ClientIP"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidServicesNameTheFieldAndTheReason(
      String name, Consumer<Service> change, String field, String reason) {
    SpecMapping mapping = SpecMapper.map(service(change), NODES);
    assertThat(mapping).isInstanceOfSatisfying(SpecMapping.Invalid.class, invalid -> {
      assertThat(invalid.field()).isEqualTo(field);
      assertThat(invalid.reason()).contains(reason);
    });
  }

  static LoadBalancerSpecAssert valid(Consumer<Service> change) {
    SpecMapping mapping = SpecMapper.map(service(change), NODES);
    assertThat(mapping).isInstanceOf(SpecMapping.Valid.class);
    return new LoadBalancerSpecAssert(((SpecMapping.Valid) mapping).spec());
  }

  record LoadBalancerSpecAssert(dev.fairlead.lb.api.LoadBalancerSpec spec) {}

  @Test
  void aPlainServiceMapsToOnePortAllBackendsAndClusterPolicy() {
    var spec = valid(s -> {}).spec();
    assertThat(spec.service().qualifiedName()).isEqualTo("ns/web");
    assertThat(spec.service().uid()).isEqualTo("uid-1");
    assertThat(spec.ports()).singleElement().satisfies(p -> {
      assertThat(p.protocol()).isEqualTo(Protocol.TCP);
      assertThat(p.nodePort()).isEqualTo(30080);
    });
    assertThat(spec.backends()).isEqualTo(NODES);
    assertThat(spec.trafficPolicy()).isEqualTo(new TrafficPolicy.Cluster());
    assertThat(spec.ipFamilies()).containsExactly(IpFamily.IPV4);
    assertThat(spec.sessionAffinity()).isEqualTo(SessionAffinity.NONE);
  }

  @Test
  void clientIpAffinityReachesTheProviderAndChangesTheSpec() {
    var none = valid(s -> s.getSpec().setSessionAffinity("None")).spec();
    var sticky = valid(s -> s.getSpec().setSessionAffinity("ClientIP")).spec();
    assertThat(sticky.sessionAffinity()).isEqualTo(SessionAffinity.CLIENT_IP);
    // Not a backends-only change: the controller must call ensure, not updateBackends.
    assertThat(none.sameExceptBackends(sticky)).isFalse();
  }

  @Test
  void optionalFieldsMapAsKubernetesDefinesThem() {
    var spec = valid(s -> {
      s.getSpec().getPorts().get(0).setProtocol(null); // API default TCP
      s.getSpec().setIpFamilies(List.of("IPv6", "IPv4"));
      s.getSpec().setExternalTrafficPolicy("Local");
      s.getSpec().setHealthCheckNodePort(32000);
      s.getSpec().setLoadBalancerSourceRanges(List.of("203.0.113.9/24", "203.0.113.0/24"));
      s.getMetadata().setAnnotations(Map.of(RequestedAddresses.ANNOTATION, "2001:db8::7, 192.0.2.7"));
    }).spec();
    assertThat(spec.ports().get(0).protocol()).isEqualTo(Protocol.TCP);
    assertThat(spec.ipFamilies()).containsExactly(IpFamily.IPV6, IpFamily.IPV4);
    assertThat(spec.trafficPolicy()).isEqualTo(new TrafficPolicy.Local(32000));
    assertThat(spec.sourceRanges()).containsExactly(Cidr.parse("203.0.113.0/24")); // de-duplicated
    assertThat(spec.requestedAddresses()).containsExactly(
        InetAddress.ofLiteral("2001:db8::7"), InetAddress.ofLiteral("192.0.2.7"));
  }

  @Test
  void nodePortsMayBeAbsentWhenTheServiceOptsOut() {
    var spec = valid(s -> {
      s.getSpec().setAllocateLoadBalancerNodePorts(false);
      s.getSpec().getPorts().get(0).setNodePort(null);
    }).spec();
    assertThat(spec.ports().get(0).nodePort()).isZero();
  }

  @Test
  void sourceRangesAnnotationIsUsedOnlyWhenTheFieldIsEmpty() {
    var fromAnnotation = valid(s -> s.getMetadata().setAnnotations(
        Map.of(SpecMapper.SOURCE_RANGES_ANNOTATION, "198.51.100.0/24,203.0.113.0/24"))).spec();
    assertThat(fromAnnotation.sourceRanges()).hasSize(2);
    var fieldWins = valid(s -> {
      s.getMetadata().setAnnotations(Map.of(SpecMapper.SOURCE_RANGES_ANNOTATION, "198.51.100.0/24"));
      s.getSpec().setLoadBalancerSourceRanges(List.of("203.0.113.0/24"));
    }).spec();
    assertThat(fieldWins.sourceRanges()).containsExactly(Cidr.parse("203.0.113.0/24"));
  }

  @Test
  void familiesAreInferredFromTheClusterIpOnOldApiServers() {
    var spec = valid(s -> {
      s.getSpec().setIpFamilies(null);
      s.getSpec().setClusterIP("2001:db8::10");
    }).spec();
    assertThat(spec.ipFamilies()).containsExactly(IpFamily.IPV6);
  }

  @Test
  void onlyLocalTrafficCarriesThePodSelector() {
    var local = valid(s -> {
      s.getSpec().setExternalTrafficPolicy("Local");
      s.getSpec().setHealthCheckNodePort(32000);
      s.getSpec().setSelector(Map.of("app", "web"));
    }).spec();
    assertThat(local.podSelector()).containsExactly(Map.entry("app", "web"));
    var cluster = valid(s -> s.getSpec().setSelector(Map.of("app", "web"))).spec();
    assertThat(cluster.podSelector()).isEmpty();
  }

  @Test
  void theSpecCarriesOnlyTheMetadataTheProviderReads() {
    Service service = service(s -> {
      s.getMetadata().setLabels(Map.of("tier", "edge", "app", "web"));
      s.getMetadata().setAnnotations(Map.of("fairlead.dev/address-pool", "lab",
          "kubectl.kubernetes.io/last-applied-configuration", "{}"));
    });
    var everything = ((SpecMapping.Valid) SpecMapper.map(service, NODES)).spec();
    assertThat(everything.labels()).isEmpty();
    assertThat(everything.annotations()).hasSize(2);
    var bareMetal = ((SpecMapping.Valid) SpecMapper.map(service, NODES,
        new MetadataUse(java.util.Set.of("fairlead.dev/"), java.util.Set.of("")))).spec();
    assertThat(bareMetal.labels()).containsOnlyKeys("tier", "app");
    assertThat(bareMetal.annotations()).containsOnlyKeys("fairlead.dev/address-pool");
  }

  @Test
  void metallbRequestedAddressesAreReadToo() {
    var spec = valid(s -> s.getMetadata().setAnnotations(
        Map.of(RequestedAddresses.METALLB_ANNOTATION, "192.0.2.9"))).spec();
    assertThat(spec.requestedAddresses()).containsExactly(InetAddress.ofLiteral("192.0.2.9"));
  }
}
