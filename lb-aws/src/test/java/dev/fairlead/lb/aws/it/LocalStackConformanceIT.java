package dev.fairlead.lb.aws.it;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.aws.AwsProviderFactory;
import dev.fairlead.lb.tck.LoadBalancerProviderContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The same contract through Testcontainers LocalStack, where a Docker engine exists; skipped, with
 * the reason, where not.
 */
class LocalStackConformanceIT extends LoadBalancerProviderContract {
  static final String NO_DOCKER =
      "LocalStack variant skipped: no Docker engine is reachable on this machine (Testcontainers"
          + " found no DOCKER_HOST or /var/run/docker.sock); AwsProviderConformanceIT runs the"
          + " same contract against moto";
  static LocalStackContainer localstack;

  @BeforeAll
  static void startLocalStack() {
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      docker = false;
    }
    if (!docker) {
      return; // every test then skips with NO_DOCKER, so the report shows each one and why
    }
    localstack =
        new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
            .withServices(
                LocalStackContainer.EnabledService.named("ec2"),
                LocalStackContainer.EnabledService.named("elbv2"),
                LocalStackContainer.EnabledService.named("resourcegroupstaggingapi"));
    localstack.start();
    try (Ec2Client ec2 =
        Ec2Client.builder()
            .endpointOverride(localstack.getEndpoint())
            .region(Region.of(localstack.getRegion()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        localstack.getAccessKey(), localstack.getSecretKey())))
            .build()) {
      ec2.describeSubnets()
          .subnets()
          .forEach(
              s ->
                  ec2.createTags(
                      b ->
                          b.resources(s.subnetId())
                              .tags(
                                  Tag.builder().key("kubernetes.io/role/elb").value("1").build())));
      String vpc = ec2.describeVpcs().vpcs().getFirst().vpcId();
      for (String cluster : List.of(CLUSTER, OTHER_CLUSTER)) {
        ec2.createSecurityGroup(
            b ->
                b.groupName("nodes-" + cluster)
                    .description("nodes")
                    .vpcId(vpc)
                    .tagSpecifications(
                        TagSpecification.builder()
                            .resourceType(ResourceType.SECURITY_GROUP)
                            .tags(
                                Tag.builder()
                                    .key("kubernetes.io/cluster/" + cluster)
                                    .value("owned")
                                    .build())
                            .build()));
      }
    }
  }

  @AfterAll
  static void stopLocalStack() {
    if (localstack != null) {
      localstack.stop();
    }
  }

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    return new AwsProviderFactory().create(context);
  }

  @Override
  protected ProviderContext context(String clusterName) {
    return MotoServer.context(
        clusterName,
        ProviderSettings.of(
            Map.of(
                "region",
                localstack.getRegion(),
                "endpoint",
                localstack.getEndpoint().toString(),
                "driftCheck",
                "false")),
        ApiCallListener.NONE);
  }

  @Override
  protected List<BackendNode> backends() {
    Assumptions.assumeTrue(localstack != null, NO_DOCKER);
    return MotoServer.nodes(3);
  }
}
