package dev.fairlead.lb.aws.it;

import static dev.fairlead.lb.aws.internal.model.Annotations.TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.aws.AwsProviderFactory;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.cloud.UpstreamNames;
import dev.fairlead.lb.tck.Specs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moving from the in-tree AWS provider: its NLB ({@code a<uid>}, target groups {@code k8s-...},
 * tags {@code kubernetes.io/cluster/<c>} and {@code kubernetes.io/service-name}, no security
 * groups), created here with the aws CLI as that provider would have, is adopted for a Service with
 * {@code type: nlb}, so its DNS name, which clients use, does not change.
 */
class UpstreamMigrationIT {
  static final String CLUSTER = "migrating";
  static MotoServer moto;

  final Specs specs =
      new Specs("moved-", MotoServer.nodes(2), new AwsProviderFactory().capabilities());

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    moto.seedCluster(CLUSTER);
  }

  @AfterAll
  static void stopMoto() {
    moto.close();
  }

  LoadBalancerSpec nlbService() {
    return specs
        .forNewService()
        .ports(new PortMapping("http", Protocol.TCP, 80, 30080))
        .annotations(Map.of(TYPE, "nlb"))
        .build();
  }

  /** What the in-tree provider left: NLB, one target group with both nodes, a listener. */
  record Upstream(String lbArn, String dnsName, String targetGroupArn) {}

  Upstream createdByTheInTreeProvider(ServiceKey service, String clusterTag) throws Exception {
    String vpc = moto.awsCli("ec2", "describe-vpcs", "--query", "Vpcs[0].VpcId");
    String[] subnets =
        moto.awsCli("ec2", "describe-subnets", "--query", "Subnets[0:2].SubnetId").split("\\s+");
    String tags =
        "Key=kubernetes.io/cluster/"
            + clusterTag
            + ",Value=owned Key=kubernetes.io/service-name,Value="
            + service.qualifiedName();
    String tg =
        moto.awsCli(
            "elbv2",
            "create-target-group",
            "--name",
            "k8s-upstream-" + service.uid().substring(0, 8),
            "--protocol",
            "TCP",
            "--port",
            "30080",
            "--vpc-id",
            vpc,
            "--target-type",
            "instance",
            "--health-check-protocol",
            "TCP",
            "--tags",
            tags.split(" ")[0],
            tags.split(" ")[1],
            "--query",
            "TargetGroups[0].TargetGroupArn");
    moto.awsCli(
        "elbv2",
        "register-targets",
        "--target-group-arn",
        tg,
        "--targets",
        "Id=" + MotoServer.instance(1),
        "Id=" + MotoServer.instance(2));
    String lb =
        moto.awsCli(
            "elbv2",
            "create-load-balancer",
            "--name",
            UpstreamNames.loadBalancerName(service),
            "--type",
            "network",
            "--scheme",
            "internet-facing",
            "--subnets",
            subnets[0],
            subnets[1],
            "--tags",
            tags.split(" ")[0],
            tags.split(" ")[1],
            "--query",
            "LoadBalancers[0].[LoadBalancerArn,DNSName]");
    String[] arnAndDns = lb.split("\\s+");
    moto.awsCli(
        "elbv2",
        "create-listener",
        "--load-balancer-arn",
        arnAndDns[0],
        "--protocol",
        "TCP",
        "--port",
        "80",
        "--default-actions",
        "Type=forward,TargetGroupArn=" + tg);
    return new Upstream(arnAndDns[0], arnAndDns[1], tg);
  }

  @Test
  void anNlbOfTheInTreeProviderIsAdoptedKeepingItsDnsName() throws Exception {
    LoadBalancerSpec spec = nlbService();
    Upstream upstream = createdByTheInTreeProvider(spec.service(), CLUSTER);
    LoadBalancerStatus published;
    try (LoadBalancerProvider provider = moto.provider(CLUSTER, Map.of())) {
      published = provider.ensure(spec);

      assertThat(hostname(published)).isEqualTo(upstream.dnsName());
      assertThat(
              moto.awsCli(
                  "elbv2",
                  "describe-load-balancers",
                  "--query",
                  "LoadBalancers[?LoadBalancerName=='"
                      + Names.loadBalancer(CLUSTER, spec.service())
                      + "'].LoadBalancerArn"))
          .as("no second NLB under Fairlead's name")
          .isEmpty();
      String forwardsTo =
          moto.awsCli(
              "elbv2",
              "describe-listeners",
              "--load-balancer-arn",
              upstream.lbArn(),
              "--query",
              "Listeners[?Port==`80`].DefaultActions[0].TargetGroupArn");
      assertThat(forwardsTo).isNotEqualTo(upstream.targetGroupArn());
      assertThat(targets(forwardsTo))
          .containsExactlyInAnyOrder(MotoServer.instance(1), MotoServer.instance(2));
      assertThat(targetGroupExists(upstream.targetGroupArn()))
          .as("the in-tree provider's target group is gone once nothing uses it")
          .isFalse();
      assertThat(
              moto.awsCli(
                  "elbv2",
                  "describe-tags",
                  "--resource-arns",
                  upstream.lbArn(),
                  "--query",
                  "TagDescriptions[0].Tags[?Key=='fairlead.dev/service-uid'].Value"))
          .as("now owned by Fairlead, so deletes find it by tag")
          .isEqualTo(spec.service().uid());

      moto.startRecording();
      assertThat(provider.ensure(spec)).isEqualTo(published);
      assertThat(moto.stopRecording()).as("converged: no further call").isEmpty();
    }

    // A restart finds the adopted NLB under its upstream name and makes no call for it.
    try (LoadBalancerProvider restarted =
        new AwsProviderFactory()
            .create(MotoServer.context(CLUSTER, moto.settings(Map.of()), ApiCallListener.NONE))) {
      moto.startRecording();
      restarted.recover(Map.of(spec.service(), published));
      List<String> recovery = moto.stopRecording();
      moto.startRecording();
      assertThat(restarted.ensure(spec)).isEqualTo(published);
      assertThat(moto.stopRecording()).as("ensure after restart").isEmpty();
      assertThat(recovery).containsExactly("DescribeSubnets", "DescribeSecurityGroups",
          "DescribeLoadBalancers", "DescribeTags");

      restarted.ensureDeleted(spec.service());
      assertThat(restarted.find(spec.service())).isEmpty();
    }
    assertThat(
            moto.awsCli(
                "resourcegroupstaggingapi",
                "get-resources",
                "--tag-filters",
                "Key=kubernetes.io/service-name,Values=" + spec.service().qualifiedName(),
                "--query",
                "ResourceTagMappingList[].ResourceARN"))
        .as("nothing of the Service is left")
        .isEmpty();
  }

  @Test
  void anInTreeNlbOfAServiceDeletedBeforeItWasAdoptedIsDeletedWithItsTargetGroup()
      throws Exception {
    LoadBalancerSpec spec = nlbService();
    Upstream upstream = createdByTheInTreeProvider(spec.service(), CLUSTER);

    try (LoadBalancerProvider provider = moto.provider(CLUSTER, Map.of())) {
      assertThat(provider.find(spec.service()).map(UpstreamMigrationIT::hostname))
          .hasValue(upstream.dnsName());
      provider.ensureDeleted(spec.service());
      assertThat(provider.find(spec.service())).isEmpty();
    }
    assertThat(targetGroupExists(upstream.targetGroupArn())).isFalse();
  }

  @Test
  void anInTreeNlbOfAnotherClusterIsNotTouchedAndTheErrorSaysWhichClusterToName()
      throws Exception {
    LoadBalancerSpec spec = nlbService();
    Upstream upstream = createdByTheInTreeProvider(spec.service(), "legacy-prod");

    try (LoadBalancerProvider provider = moto.provider(CLUSTER, Map.of())) {
      assertThatThrownBy(() -> provider.ensure(spec))
          .isInstanceOfSatisfying(
              ProviderFailureException.class,
              e -> {
                assertThat(e.isUserError()).isTrue();
                assertThat(e.getMessage()).contains("--cluster-name legacy-prod");
              });
      provider.ensureDeleted(spec.service());
    }
    assertThat(
            moto.awsCli(
                "elbv2",
                "describe-load-balancers",
                "--query",
                "LoadBalancers[?LoadBalancerArn=='" + upstream.lbArn() + "'].DNSName"))
        .as("another cluster's NLB stays")
        .isEqualTo(upstream.dnsName());
  }

  private boolean targetGroupExists(String arn) throws Exception {
    return !moto.awsCli(
            "elbv2",
            "describe-target-groups",
            "--query",
            "TargetGroups[?TargetGroupArn=='" + arn + "'].TargetGroupName")
        .isEmpty();
  }

  private List<String> targets(String tgArn) throws Exception {
    return List.of(
        moto.awsCli(
                "elbv2",
                "describe-target-health",
                "--target-group-arn",
                tgArn,
                "--query",
                "TargetHealthDescriptions[].Target.Id")
            .split("\\s+"));
  }

  static String hostname(LoadBalancerStatus status) {
    return ((LoadBalancerStatus.Hostname) status.ingress().getFirst()).hostname();
  }
}
