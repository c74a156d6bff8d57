package dev.fairlead.lb.aws.it;

import static dev.fairlead.lb.aws.internal.model.Annotations.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.aws.AwsProviderFactory;
import dev.fairlead.lb.tck.Specs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the NLB looks like for the Service features and annotations, checked with the aws CLI
 * against moto (independent of the SDK client the provider uses).
 */
class NlbBehaviourIT {
  static final String CLUSTER = "behaviour";
  static MotoServer moto;
  static String nodeGroup;

  final Specs specs =
      new Specs("svc-", MotoServer.nodes(2), new AwsProviderFactory().capabilities());
  LoadBalancerProvider provider;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    nodeGroup = moto.seedCluster(CLUSTER);
  }

  @AfterAll
  static void stopMoto() {
    moto.close();
  }

  @BeforeEach
  void open() {
    provider = moto.provider(CLUSTER, Map.of());
  }

  @AfterEach
  void close() {
    for (ServiceKey key : specs.recorded()) {
      provider.ensureDeleted(key);
    }
    provider.close();
  }

  LoadBalancerSpec spec(Map<String, String> annotations, PortMapping... ports) {
    return specs.forNewService().ports(ports).annotations(annotations).build();
  }

  static PortMapping tcp(int port, int nodePort) {
    return new PortMapping("tcp-" + port, Protocol.TCP, port, nodePort);
  }

  String lbArn(LoadBalancerStatus status) throws Exception {
    String host = ((LoadBalancerStatus.Hostname) status.ingress().getFirst()).hostname();
    return moto.awsCli(
        "elbv2",
        "describe-load-balancers",
        "--query",
        "LoadBalancers[?DNSName=='" + host + "'].LoadBalancerArn");
  }

  List<String> listeners(String lbArn) throws Exception {
    return moto.awsCli(
            "elbv2",
            "describe-listeners",
            "--load-balancer-arn",
            lbArn,
            "--query",
            "Listeners[].[Port,Protocol]")
        .lines()
        .map(l -> l.replace('\t', '/'))
        .sorted()
        .toList();
  }

  List<String> targetGroupArns(String lbArn) throws Exception {
    return Arrays.stream(
            moto.awsCli(
                    "elbv2",
                    "describe-listeners",
                    "--load-balancer-arn",
                    lbArn,
                    "--query",
                    "Listeners[].DefaultActions[0].TargetGroupArn")
                .split("\\s+"))
        .toList();
  }

  String targetGroup(String tgArn, String query) throws Exception {
    return moto.awsCli(
        "elbv2",
        "describe-target-groups",
        "--target-group-arns",
        tgArn,
        "--query",
        "TargetGroups[0]." + query);
  }

  String frontendRules(ServiceKey key) throws Exception {
    return moto.awsCli(
        "ec2",
        "describe-security-groups",
        "--filters",
        "Name=tag:fairlead.dev/service-uid,Values=" + key.uid(),
        "--query",
        "SecurityGroups[].IpPermissions[].[IpProtocol,FromPort,IpRanges[0].CidrIp]");
  }

  @Test
  void everyAwsCallIsReportedToTheControllerOnce() throws Exception {
    List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (LoadBalancerProvider counted =
        new AwsProviderFactory()
            .create(
                MotoServer.context(
                    CLUSTER,
                    moto.settings(Map.of()),
                    (operation, outcome, duration) -> reported.add(operation + ":" + outcome)))) {
      moto.startRecording();
      counted.recover(Map.of());
      LoadBalancerSpec spec = spec(Map.of(), tcp(80, 30080));
      counted.ensure(spec);
      counted.ensureDeleted(spec.service());
      List<String> recorded = moto.stopRecording();

      assertThat(reported)
          .as("one ApiCallListener record per HTTP request moto saw (SDK retries are off)")
          .hasSameSizeAs(recorded);
      assertThat(reported.stream().map(r -> r.substring(0, r.indexOf(':'))).toList())
          .containsExactlyElementsOf(recorded);
      assertThat(reported).allMatch(r -> r.endsWith(":ok"));
    }
  }

  @Test
  void anInvalidAnnotationFailsBeforeAnyAwsCall() throws Exception {
    LoadBalancerSpec spec = spec(Map.of(HC_INTERVAL, "often"), tcp(80, 30080));

    moto.startRecording();
    assertThatThrownBy(() -> provider.ensure(spec))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining(HC_INTERVAL);
    assertThat(moto.stopRecording()).as("AWS calls before the rejection").isEmpty();
  }

  @Test
  void aCertificateThatDoesNotExistIsAUserErrorNamingTheAnnotation() throws Exception {
    LoadBalancerSpec spec =
        spec(
            Map.of(SSL_CERT, "arn:aws:acm:eu-west-1:123456789012:certificate/does-not-exist"),
            tcp(443, 30443));

    for (int attempt = 1; attempt <= 2; attempt++) {
      assertThatThrownBy(() -> provider.ensure(spec))
          .as("attempt %d", attempt)
          .isInstanceOfSatisfying(
              ProviderFailureException.class,
              e -> {
                assertThat(e.isUserError()).as("a user error, logged without a stack trace").isTrue();
                assertThat(e.getMessage()).contains(SSL_CERT).contains("does not exist");
              });
    }
  }

  @Test
  void aSubnetThatDoesNotExistIsAUserErrorBeforeAnyWrite() throws Exception {
    LoadBalancerSpec spec = spec(Map.of(SUBNETS, "no-such-subnet"), tcp(80, 30080));

    moto.startRecording();
    assertThatThrownBy(() -> provider.ensure(spec))
        .isInstanceOfSatisfying(
            ProviderFailureException.class,
            e -> {
              assertThat(e.isUserError()).isTrue();
              assertThat(e.getMessage()).contains(SUBNETS).contains("'no-such-subnet' does not exist");
            });
    assertThat(moto.stopRecording()).as("only the subnet lookup").containsOnly("DescribeSubnets");
  }

  @Test
  void aChangedHealthCheckReplacesTheTargetGroupAndSwitchesTheListener() throws Exception {
    LoadBalancerSpec before = spec(Map.of(), tcp(80, 30080));
    LoadBalancerStatus status = provider.ensure(before);
    String lb = lbArn(status);
    String oldTg = targetGroupArns(lb).getFirst();

    LoadBalancerSpec after =
        specs
            .forService(before.service())
            .ports(tcp(80, 30080))
            .annotations(Map.of(HC_PROTOCOL, "http", HC_PATH, "/ready", HC_INTERVAL, "10"))
            .build();
    assertThat(provider.ensure(after)).isEqualTo(status);

    String newTg = targetGroupArns(lb).getFirst();
    assertThat(newTg).isNotEqualTo(oldTg);
    assertThat(
            targetGroup(newTg, "[HealthCheckProtocol,HealthCheckPath,HealthCheckIntervalSeconds]"))
        .isEqualTo("HTTP\t/ready\t10");
    assertThat(
            moto.awsCli(
                "elbv2",
                "describe-target-groups",
                "--query",
                "TargetGroups[?TargetGroupArn=='" + oldTg + "'].TargetGroupArn"))
        .as("old group deleted")
        .isEmpty();
    assertThat(
            moto.awsCli(
                    "elbv2",
                    "describe-target-health",
                    "--target-group-arn",
                    newTg,
                    "--query",
                    "TargetHealthDescriptions[].Target.Id")
                .split("\\s+"))
        .hasSize(2);
  }

  @Test
  void portsAndSourceRangesConverge() throws Exception {
    LoadBalancerSpec first = spec(Map.of(), tcp(80, 30080), tcp(443, 30443));
    LoadBalancerStatus status = provider.ensure(first);
    String lb = lbArn(status);
    assertThat(listeners(lb)).containsExactly("443/TCP", "80/TCP");
    assertThat(frontendRules(first.service()))
        .contains("tcp\t80\t0.0.0.0/0")
        .contains("tcp\t443\t0.0.0.0/0");

    LoadBalancerSpec second =
        specs
            .forService(first.service())
            .ports(tcp(443, 30443))
            .sourceRanges(Cidr.parse("203.0.113.0/24"))
            .build();
    assertThat(provider.ensure(second)).isEqualTo(status);

    assertThat(listeners(lb)).containsExactly("443/TCP");
    assertThat(targetGroupArns(lb)).hasSize(1);
    assertThat(
            moto.awsCli(
                    "resourcegroupstaggingapi",
                    "get-resources",
                    "--tag-filters",
                    "Key=fairlead.dev/service-uid,Values=" + first.service().uid(),
                    "--resource-type-filters",
                    "elasticloadbalancing:targetgroup",
                    "--query",
                    "ResourceTagMappingList[].ResourceARN")
                .split("\\s+"))
        .as("the port-80 group is gone")
        .hasSize(1);
    String rules = frontendRules(first.service());
    assertThat(rules)
        .contains("tcp\t443\t203.0.113.0/24")
        .doesNotContain("0.0.0.0/0")
        .doesNotContain("\t80\t");
  }

  @Test
  void mixedProtocolsLocalPolicySchemeAttributesAndTags() throws Exception {
    LoadBalancerSpec spec =
        specs
            .forNewService()
            .ports(
                new PortMapping("dns", Protocol.TCP, 53, 30053),
                new PortMapping("dns-udp", Protocol.UDP, 53, 30053))
            .trafficPolicy(new TrafficPolicy.Local(32100))
            .annotations(
                Map.of(
                    INTERNAL,
                    "true",
                    CROSS_ZONE,
                    "true",
                    ADDITIONAL_TAGS,
                    "team=dns,cost-center=42",
                    TG_ATTRIBUTES,
                    "preserve_client_ip.enabled=true"))
            .build();

    String lb = lbArn(provider.ensure(spec));

    assertThat(listeners(lb)).containsExactly("53/TCP_UDP");
    assertThat(
            moto.awsCli(
                "elbv2",
                "describe-load-balancers",
                "--load-balancer-arns",
                lb,
                "--query",
                "LoadBalancers[0].[Type,Scheme]"))
        .isEqualTo("network\tinternal");
    String tg = targetGroupArns(lb).getFirst();
    assertThat(
            targetGroup(tg, "[Protocol,Port,HealthCheckProtocol,HealthCheckPort,HealthCheckPath]"))
        .isEqualTo("TCP_UDP\t30053\tHTTP\t32100\t/healthz");
    assertThat(
            moto.awsCli(
                "elbv2",
                "describe-load-balancer-attributes",
                "--load-balancer-arn",
                lb,
                "--query",
                "Attributes[?Key=='load_balancing.cross_zone.enabled'].Value"))
        .isEqualTo("true");
    assertThat(
            moto.awsCli(
                "elbv2",
                "describe-target-group-attributes",
                "--target-group-arn",
                tg,
                "--query",
                "Attributes[?Key=='preserve_client_ip.enabled'].Value"))
        .isEqualTo("true");
    for (String arn : List.of(lb, tg)) {
      assertThat(
              moto.awsCli(
                  "elbv2",
                  "describe-tags",
                  "--resource-arns",
                  arn,
                  "--query",
                  "TagDescriptions[0].Tags[?Key=='team'].Value"))
          .isEqualTo("dns");
      assertThat(
              moto.awsCli(
                  "elbv2",
                  "describe-tags",
                  "--resource-arns",
                  arn,
                  "--query",
                  "TagDescriptions[0].Tags[?Key=='kubernetes.io/cluster/" + CLUSTER + "'].Value"))
          .isEqualTo("owned");
    }
    assertThat(frontendRules(spec.service()))
        .contains("tcp\t53\t0.0.0.0/0")
        .contains("udp\t53\t0.0.0.0/0");
  }

  @Test
  void nodeSecurityGroupRulesStayConstantWhateverTheNumberOfNlbs() throws Exception {
    for (int i = 0; i < 5; i++) {
      provider.ensure(spec(Map.of(), tcp(80 + i, 30100 + i), tcp(1000 + i, 30200 + i)));
    }
    String permissions =
        moto.awsCli(
            "ec2",
            "describe-security-groups",
            "--group-ids",
            nodeGroup,
            "--query",
            "SecurityGroups[0].IpPermissions[].[IpProtocol,FromPort,ToPort]");

    assertThat(permissions.lines().toList())
        .as("one node-port rule per protocol from the shared backend group (kubernetes#93514)")
        .containsExactlyInAnyOrder("tcp\t30000\t32767", "udp\t30000\t32767");
    String backend =
        moto.awsCli(
            "ec2",
            "describe-security-groups",
            "--group-ids",
            nodeGroup,
            "--query",
            "SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId");
    assertThat(
            moto.awsCli(
                "ec2",
                "describe-security-groups",
                "--group-ids",
                backend,
                "--query",
                "SecurityGroups[0].GroupName"))
        .isEqualTo("fairlead-backend-" + CLUSTER);
  }

  @Test
  void userSecurityGroupsReplaceTheManagedFrontendGroup() throws Exception {
    String vpc = moto.awsCli("ec2", "describe-vpcs", "--query", "Vpcs[0].VpcId");
    String mine =
        moto.awsCli(
            "ec2",
            "create-security-group",
            "--group-name",
            "mine-" + UUID.randomUUID(),
            "--description",
            "user",
            "--vpc-id",
            vpc,
            "--query",
            "GroupId");
    LoadBalancerSpec spec = spec(Map.of(SECURITY_GROUPS, mine), tcp(80, 30080));

    String lb = lbArn(provider.ensure(spec));

    String groups =
        moto.awsCli(
            "elbv2",
            "describe-load-balancers",
            "--load-balancer-arns",
            lb,
            "--query",
            "LoadBalancers[0].SecurityGroups");
    assertThat(groups).contains(mine);
    assertThat(frontendRules(spec.service())).isEmpty();
  }

  @Test
  void subnetsAreTakenFromTheAnnotationByIdOrName() throws Exception {
    String subnets = moto.awsCli("ec2", "describe-subnets", "--query", "Subnets[].SubnetId");
    String[] ids = subnets.split("\\s+");
    moto.awsCli("ec2", "create-tags", "--resources", ids[1], "--tags", "Key=Name,Value=public-b");
    LoadBalancerSpec spec = spec(Map.of(SUBNETS, ids[0] + ",public-b"), tcp(80, 30080));

    String lb = lbArn(provider.ensure(spec));

    assertThat(
            moto.awsCli(
                    "elbv2",
                    "describe-load-balancers",
                    "--load-balancer-arns",
                    lb,
                    "--query",
                    "LoadBalancers[0].AvailabilityZones[].SubnetId")
                .split("\\s+"))
        .containsExactlyInAnyOrder(ids[0], ids[1]);
  }

  @Test
  void theBackgroundDriftCheckRepairsOutOfBandChanges() throws Exception {
    provider.close();
    provider = moto.provider(CLUSTER, Map.of("driftCheck", "true", "driftCheckInterval", "100ms"));
    LoadBalancerSpec spec = spec(Map.of(), tcp(80, 30080), tcp(443, 30443));
    String lb = lbArn(provider.ensure(spec));
    String listener443 =
        moto.awsCli(
            "elbv2",
            "describe-listeners",
            "--load-balancer-arn",
            lb,
            "--query",
            "Listeners[?Port==`443`].ListenerArn");

    moto.awsCli("elbv2", "delete-listener", "--listener-arn", listener443);

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(listeners(lb)).containsExactly("443/TCP", "80/TCP"));
  }

  @Test
  void targetCheckpointsAreRewrittenInTheBackgroundInOneBatchedCall() throws Exception {
    provider.close();
    provider = open(Map.of("checkpointDelay", "200ms"));
    Map<ServiceKey, LoadBalancerStatus> published = new HashMap<>();
    List<LoadBalancerSpec> grown = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LoadBalancerSpec spec = spec(Map.of(), tcp(80, 30080 + i));
      published.put(spec.service(), provider.ensure(spec));
      grown.add(spec.withBackends(MotoServer.nodes(3)));
    }
    moto.startRecording();
    for (LoadBalancerSpec spec : grown) {
      provider.updateBackends(spec);
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(
            () -> moto.get("/moto-api/recorder/download-recording").contains("QWN0aW9uPUFkZFRhZ3"));
    Thread.sleep(300);
    assertThat(moto.stopRecording())
        .as("3 RegisterTargets on the node change, then one AddTags for all three NLBs")
        .containsExactly("RegisterTargets", "RegisterTargets", "RegisterTargets", "AddTags");

    // A crash now (no close) still restarts for free: the checkpoints are current.
    LoadBalancerProvider restarted = open(Map.of());
    try {
      restarted.recover(published);
      moto.startRecording();
      for (LoadBalancerSpec spec : grown) {
        assertThat(restarted.ensure(spec)).isEqualTo(published.get(spec.service()));
      }
      assertThat(moto.stopRecording()).isEmpty();
    } finally {
      restarted.close();
    }
  }

  LoadBalancerProvider open(Map<String, String> extra) {
    return new AwsProviderFactory()
        .create(MotoServer.context(CLUSTER, moto.settings(extra), ApiCallListener.NONE));
  }

  @Test
  void targetsChangedWhileNoControllerRanAreRepairedAfterRestart() throws Exception {
    LoadBalancerSpec spec = spec(Map.of(), tcp(80, 30080));
    LoadBalancerStatus status = provider.ensure(spec);
    String tg = targetGroupArns(lbArn(status)).getFirst();
    provider.close();

    // A node joined while the controller was down: the checkpoint's targets hash no longer matches.
    LoadBalancerSpec grown = spec.withBackends(MotoServer.nodes(3));
    provider = open(Map.of());
    Map<ServiceKey, LoadBalancerStatus> published = new HashMap<>();
    published.put(spec.service(), status);
    provider.recover(published);
    moto.startRecording();
    assertThat(provider.ensure(grown)).isEqualTo(status);
    assertThat(moto.stopRecording())
        .as("repair reads only the targets, then re-checkpoints")
        .containsExactly("DescribeTargetHealth", "RegisterTargets", "AddTags");

    assertThat(
            moto.awsCli(
                    "elbv2",
                    "describe-target-health",
                    "--target-group-arn",
                    tg,
                    "--query",
                    "TargetHealthDescriptions[].Target.Id")
                .split("\\s+"))
        .hasSize(3);
    moto.startRecording();
    assertThat(provider.ensure(grown)).isEqualTo(status);
    assertThat(moto.stopRecording()).as("converged: no further calls").isEmpty();
  }
}
