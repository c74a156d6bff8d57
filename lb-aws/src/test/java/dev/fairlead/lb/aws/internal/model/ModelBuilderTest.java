package dev.fairlead.lb.aws.internal.model;

import static dev.fairlead.lb.aws.internal.model.Annotations.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.aws.internal.AwsProviders;
import dev.fairlead.lb.tck.Specs;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelBuilderTest {
  static final ServiceKey KEY =
      new ServiceKey("shop", "web-frontend", "3f1c2a9e-8b7d-4c6e-9a1b-2c3d4e5f6a7b");
  static final List<BackendNode> NODES =
      List.of(
          new BackendNode(
              "n1", "aws:///eu-west-1a/i-0000000000000000a", List.of(), Map.of("pool", "a")),
          new BackendNode(
              "n2", "aws:///eu-west-1b/i-0000000000000000b", List.of(), Map.of("pool", "b")),
          new BackendNode("n3", "kind://docker/n3", List.of(), Map.of("pool", "a")));

  final ModelBuilder builder = new ModelBuilder("prod");

  static final Specs SPECS = new Specs("model-", NODES, AwsProviders.capabilities());

  /** The Service with one TCP port 80 (node port 30080), every node, no annotation. */
  static Specs.Builder builder() {
    return SPECS.forService(KEY).ports(new PortMapping("http", Protocol.TCP, 80, 30080));
  }

  static LoadBalancerSpec spec(Map<String, String> annotations, PortMapping... ports) {
    Specs.Builder b = builder().annotations(annotations);
    return (ports.length == 0 ? b : b.ports(ports)).build();
  }

  static Stream<Arguments> invalidAnnotations() {
    return Stream.of(
        Arguments.of(TYPE, "clb", "not supported"),
        Arguments.of(TYPE, "external", "another controller"),
        Arguments.of(TYPE, "nlb-ip", "another controller"),
        Arguments.of(HC_PROTOCOL, "udp", "tcp, http or https"),
        Arguments.of(HC_PORT, "http", "not a number"),
        Arguments.of(HC_PORT, "70000", "outside 1 to 65535"),
        Arguments.of(HC_PATH, "healthz", "absolute path"),
        Arguments.of(HC_INTERVAL, "3", "outside 5 to 300"),
        Arguments.of(HC_TIMEOUT, "x", "not a number"),
        Arguments.of(HC_HEALTHY, "11", "outside 2 to 10"),
        Arguments.of(HC_UNHEALTHY, "1", "outside 2 to 10"),
        Arguments.of(CROSS_ZONE, "yes", "true or false"),
        Arguments.of(TG_ATTRIBUTES, "proxy_protocol_v2.enabled", "not key=value"),
        Arguments.of(TG_ATTRIBUTES, "foo.bar=1", "unknown attribute"),
        Arguments.of(
            TG_ATTRIBUTES, "deregistration_delay.timeout_seconds=-5", "whole number from 0 to 3600"),
        Arguments.of(
            TG_ATTRIBUTES, "deregistration_delay.timeout_seconds=4000", "whole number from 0 to 3600"),
        Arguments.of(TG_ATTRIBUTES, "preserve_client_ip.enabled=yes", "must be true or false"),
        Arguments.of(TG_ATTRIBUTES, "stickiness.type=lb_cookie", "must be source_ip"),
        Arguments.of(EIP_ALLOCATIONS, "eip-123", "not an allocation ID"),
        Arguments.of(PRIVATE_IPV4, "10.0.0.300", "not an IPv4 address"),
        Arguments.of(PRIVATE_IPV4, "10.0.0.5", "need an internal NLB"),
        Arguments.of(SSL_CERT, "my-cert", "not a certificate ARN"),
        Arguments.of(SSL_PORTS, "443", "is set but"),
        Arguments.of(SSL_POLICY, "ELBSecurityPolicy-2016-08", "is set but"),
        Arguments.of(BACKEND_PROTOCOL, "http", "not supported by an NLB"),
        Arguments.of(TARGET_NODE_LABELS, "pool", "not key=value"),
        Arguments.of(SECURITY_GROUPS, "web", "not a security group ID"),
        Arguments.of(ADDITIONAL_TAGS, "aws:x=1", "starts with aws:"),
        Arguments.of(ADDITIONAL_TAGS, "kubernetes.io/cluster/prod=shared", "reserved"),
        Arguments.of(ADDITIONAL_TAGS, "a=1,a=2", "appears twice"),
        Arguments.of(SUBNETS, "subnet-xyz", "neither a subnet ID"),
        Arguments.of(SUBNETS, " , ", "lists no subnet"),
        Arguments.of(SOURCE_RANGES, "10.0.0.0/33", "not a CIDR"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalidAnnotations")
  void invalidAnnotationIsRejectedNamingIt(String annotation, String value, String problem) {
    assertThatThrownBy(() -> builder.build(spec(Map.of(annotation, value))))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining(annotation)
        .hasMessageContaining(problem);
  }

  static Stream<Arguments> unsupportedSpecs() {
    return Stream.of(
        Arguments.of(
            builder()
                .ports(new PortMapping("", Protocol.SCTP, 80, 30080))
                .build(),
            "SCTP"),
        Arguments.of(
            builder()
                .ports(new PortMapping("", Protocol.TCP, 80, 0))
                .build(),
            "nodePort"),
        Arguments.of(
            builder()
                .ports(new PortMapping("", Protocol.TCP, 80, 30080))
                .requestedAddresses(InetAddress.ofLiteral("192.0.2.1"))
                .build(),
            "loadBalancerIP"),
        Arguments.of(
            builder()
                .ports(new PortMapping("", Protocol.TCP, 80, 30080))
                .ipFamilies(IpFamily.IPV6)
                .build(),
            "IPv6"),
        Arguments.of(
            spec(
                Map.of(),
                new PortMapping("dns", Protocol.TCP, 53, 30053),
                new PortMapping("dns-udp", Protocol.UDP, 53, 30054)),
            "same nodePort"),
        Arguments.of(
            spec(
                Map.of(SSL_CERT, "arn:aws:acm:eu-west-1:1:certificate/x", SSL_PORTS, "dns"),
                new PortMapping("dns", Protocol.UDP, 53, 30053)),
            "cannot terminate UDP"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("unsupportedSpecs")
  void unsupportedSpecIsRejected(LoadBalancerSpec spec, String problem) {
    assertThatThrownBy(() -> builder.build(spec))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void defaultsFollowUpstream() {
    NlbModel model = builder.build(spec(Map.of()));

    assertThat(model.loadBalancerName()).startsWith("k8s-shop-webfront-").hasSize(28);
    assertThat(model.internal()).isFalse();
    assertThat(model.subnets()).isEqualTo(new Subnets.Discover());
    assertThat(model.listeners())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.protocol()).isEqualTo("TCP");
              assertThat(l.targetGroup().nodePort()).isEqualTo(30080);
              assertThat(l.targetGroup().healthCheck())
                  .isEqualTo(
                      new HealthCheck("TCP", "traffic-port", Optional.empty(), 30, 10, 3, 3));
            });
    assertThat(model.targets()).containsExactly("i-0000000000000000a", "i-0000000000000000b");
    assertThat(model.skippedNodes()).containsExactly("n3");
    assertThat(model.tags())
        .containsEntry("kubernetes.io/cluster/prod", "owned")
        .containsEntry("kubernetes.io/service-name", "shop/web-frontend");
    assertThat(model.frontendRules())
        .containsExactly(
            new IngressRule("icmp", 3, 4, "0.0.0.0/0"),
            new IngressRule("tcp", 80, 80, "0.0.0.0/0"));
  }

  @Test
  void localPolicyChecksHealthCheckNodePortOverHttp() {
    // Upstream's 10 s interval with a 10 s timeout; ELBv2 wants the timeout below the interval.
    LoadBalancerSpec local =
        builder()
                .ports(new PortMapping("", Protocol.TCP, 80, 30080))
                .trafficPolicy(new TrafficPolicy.Local(32000))
                .build();

    assertThat(builder.build(local).targetGroups().getFirst().healthCheck())
        .isEqualTo(new HealthCheck("HTTP", "32000", Optional.of("/healthz"), 10, 9, 2, 2));
  }

  @Test
  void annotationsOverrideTheHealthCheck() {
    NlbModel model =
        builder.build(
            spec(
                Map.of(
                    HC_PROTOCOL,
                    "http",
                    HC_PATH,
                    "/ready",
                    HC_PORT,
                    "10256",
                    HC_INTERVAL,
                    "10",
                    HC_TIMEOUT,
                    "6",
                    HC_HEALTHY,
                    "2",
                    HC_UNHEALTHY,
                    "4")));

    assertThat(model.targetGroups().getFirst().healthCheck())
        .isEqualTo(new HealthCheck("HTTP", "10256", Optional.of("/ready"), 10, 6, 2, 4));
  }

  @Test
  void tcpAndUdpOnOnePortBecomeTcpUdp() {
    NlbModel model =
        builder.build(
            spec(
                Map.of(),
                new PortMapping("dns", Protocol.TCP, 53, 30053),
                new PortMapping("dns-udp", Protocol.UDP, 53, 30053)));

    assertThat(model.listeners())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.protocol()).isEqualTo("TCP_UDP");
              assertThat(l.targetGroup().protocol()).isEqualTo("TCP_UDP");
            });
    assertThat(model.frontendRules())
        .contains(
            new IngressRule("tcp", 53, 53, "0.0.0.0/0"),
            new IngressRule("udp", 53, 53, "0.0.0.0/0"));
  }

  @Test
  void tlsOnSelectedPortsWithBackendSsl() {
    String cert = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
    NlbModel model =
        builder.build(
            spec(
                Map.of(
                    SSL_CERT,
                    cert,
                    SSL_PORTS,
                    "https",
                    SSL_POLICY,
                    "ELBSecurityPolicy-TLS13-1-2-2021-06",
                    BACKEND_PROTOCOL,
                    "ssl"),
                new PortMapping("http", Protocol.TCP, 80, 30080),
                new PortMapping("https", Protocol.TCP, 443, 30443)));

    assertThat(model.listeners())
        .extracting(ListenerModel::port, ListenerModel::protocol, ListenerModel::certificateArn)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(80, "TCP", Optional.empty()),
            org.assertj.core.groups.Tuple.tuple(443, "TLS", Optional.of(cert)));
    assertThat(model.listeners().get(1).targetGroup().protocol()).isEqualTo("TLS");
  }

  @Test
  void sourceRangesFromSpecWinOverTheAnnotation() {
    LoadBalancerSpec spec =
        builder()
                .ports(new PortMapping("", Protocol.TCP, 80, 30080))
                .sourceRanges(Cidr.parse("203.0.113.0/24"), Cidr.parse("2001:db8::/32"))
                .annotations(Map.of(SOURCE_RANGES, "198.51.100.0/24"))
                .build();

    assertThat(builder.build(spec).frontendRules())
        .containsExactlyInAnyOrder(
            new IngressRule("tcp", 80, 80, "203.0.113.0/24"),
            new IngressRule("tcp", 80, 80, "2001:db8::/32"),
            new IngressRule("icmp", 3, 4, "203.0.113.0/24"));
    assertThat(builder.build(spec(Map.of(SOURCE_RANGES, "198.51.100.0/24"))).frontendRules())
        .contains(new IngressRule("tcp", 80, 80, "198.51.100.0/24"));
  }

  @Test
  void ipv6SourcesAreWrittenAsEc2ReportsThem() {
    assertThat(ModelBuilder.cidrText(Cidr.parse("2001:db8::/32"))).isEqualTo("2001:db8::/32");
    assertThat(ModelBuilder.cidrText(Cidr.parse("::/0"))).isEqualTo("::/0");
    assertThat(ModelBuilder.cidrText(Cidr.parse("2001:db8:0:1::/64")))
        .isEqualTo("2001:db8:0:1::/64");
    assertThat(ModelBuilder.cidrText(Cidr.parse("203.0.113.0/24"))).isEqualTo("203.0.113.0/24");
  }

  @Test
  void targetNodeLabelsSelectTargets() {
    assertThat(builder.build(spec(Map.of(TARGET_NODE_LABELS, "pool=a"))).targets())
        .containsExactly("i-0000000000000000a");
  }

  @Test
  void internalEipAndPrivateAddressRules() {
    NlbModel internal =
        builder.build(
            spec(
                Map.of(
                    INTERNAL,
                    "true",
                    PRIVATE_IPV4,
                    "10.0.1.5,10.0.2.5",
                    SUBNETS,
                    "subnet-0a,subnet-0b")));
    assertThat(internal.internal()).isTrue();
    assertThat(internal.subnets()).isEqualTo(new Subnets.Named(List.of("subnet-0a", "subnet-0b")));
    assertThatThrownBy(
            () ->
                builder.build(
                    spec(Map.of(EIP_ALLOCATIONS, "eipalloc-0a,eipalloc-0b", SUBNETS, "subnet-0a"))))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("one allocation per subnet");
    assertThat(builder.build(spec(Map.of(INTERNAL, "false"))).internal()).isFalse();
  }

  @Test
  void namesAreDeterministicShortAndScopedByCluster() {
    NlbModel one = builder.build(spec(Map.of()));
    NlbModel again = builder.build(spec(Map.of()));
    NlbModel otherCluster = new ModelBuilder("staging").build(spec(Map.of()));

    assertThat(again.loadBalancerName()).isEqualTo(one.loadBalancerName());
    assertThat(again.modelHash()).isEqualTo(one.modelHash());
    assertThat(otherCluster.loadBalancerName()).isNotEqualTo(one.loadBalancerName());
    assertThat(one.targetGroups())
        .allSatisfy(tg -> assertThat(tg.name()).hasSizeLessThanOrEqualTo(32));
    assertThat(one.loadBalancerName()).hasSizeLessThanOrEqualTo(32);
  }

  @Test
  void aHealthCheckChangeRenamesTheTargetGroupAndChangesTheModelHash() {
    NlbModel before = builder.build(spec(Map.of()));
    NlbModel after = builder.build(spec(Map.of(HC_INTERVAL, "10")));

    assertThat(after.targetGroups().getFirst().name())
        .isNotEqualTo(before.targetGroups().getFirst().name());
    assertThat(after.modelHash()).isNotEqualTo(before.modelHash());
    assertThat(after.targetsHash()).isEqualTo(before.targetsHash());
  }

  @Test
  void backendsDoNotChangeTheModelHash() {
    NlbModel all = builder.build(spec(Map.of()));
    NlbModel fewer = builder.build(spec(Map.of()).withBackends(NODES.subList(0, 1)));

    assertThat(fewer.modelHash()).isEqualTo(all.modelHash());
    assertThat(fewer.targetsHash()).isNotEqualTo(all.targetsHash());
  }

  @Test
  void providerIdsAreParsed() {
    assertThat(ModelBuilder.instanceId("aws:///eu-west-1a/i-0abc123")).hasValue("i-0abc123");
    assertThat(ModelBuilder.instanceId("aws:////i-0abc123")).hasValue("i-0abc123");
    assertThat(ModelBuilder.instanceId("i-0abc123")).hasValue("i-0abc123");
    assertThat(ModelBuilder.instanceId("gce://p/z/n")).isEmpty();
    assertThat(ModelBuilder.instanceId("")).isEmpty();
  }

  @Test
  void targetGroupAttributesAwsAcceptsPassAndEndUpInTheGroupName() {
    NlbModel plain = builder.build(spec(Map.of()));
    NlbModel tuned =
        builder.build(
            spec(
                Map.of(
                    TG_ATTRIBUTES,
                    "deregistration_delay.timeout_seconds=0,stickiness.enabled=true,"
                        + "stickiness.type=source_ip,"
                        + "load_balancing.cross_zone.enabled=use_load_balancer_configuration")));

    assertThat(tuned.targetGroups().getFirst().attributes())
        .containsEntry("deregistration_delay.timeout_seconds", "0")
        .containsEntry("stickiness.type", "source_ip")
        .hasSize(4);
    assertThat(tuned.targetGroups().getFirst().name())
        .isNotEqualTo(plain.targetGroups().getFirst().name());
  }

  @Test
  void onlyTypeNlbMayHaveAnUpstreamNlbToAdopt() {
    assertThat(builder.build(spec(Map.of())).adoptableName()).isEmpty();
    assertThat(builder.build(spec(Map.of(TYPE, "nlb"))).adoptableName())
        .hasValue("a3f1c2a9e8b7d4c6e9a1b2c3d4e5f6a7");
  }
}
