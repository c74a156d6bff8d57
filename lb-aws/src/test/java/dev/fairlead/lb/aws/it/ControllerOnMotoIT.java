package dev.fairlead.lb.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller with the AWS provider on moto: what users see on the Service, and the cleanup. */
class ControllerOnMotoIT {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String NS = "shop";

  MotoServer moto;
  FakeApiServer cluster;
  ControllerHarness controller;

  @BeforeEach
  void setUp() throws Exception {
    moto = MotoServer.start();
    moto.seedCluster(ControllerOnMoto.CLUSTER);
    cluster = FakeApiServer.start();
    for (int i = 1; i <= 2; i++) {
      cluster.client().nodes().resource(ControllerOnMoto.node(i)).create();
    }
    controller = ControllerOnMoto.start(cluster.client(), moto.settings(Map.of()), "it-1");
    controller.provider().recovered().await();
  }

  @AfterEach
  void tearDown() {
    MotoServer.closeAll(controller, cluster, moto);
  }

  @Test
  void anInvalidAnnotationGivesAWarningEventNamingItAndNoAwsCall() throws Exception {
    List<String> calls =
        createAndAwaitWarning(
            "bad",
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval",
            "soon",
            "not a number");
    assertThat(calls).as("AWS calls for an invalid Service").isEmpty();
  }

  @Test
  void aSubnetThatDoesNotExistGivesAWarningNamingTheAnnotationAndCreatesNothing()
      throws Exception {
    List<String> calls =
        createAndAwaitWarning(
            "lost",
            "service.beta.kubernetes.io/aws-load-balancer-subnets",
            "gone",
            "'gone' does not exist");
    assertThat(calls).as("reads only, no resource created").containsOnly("DescribeSubnets");
  }

  /**
   * Creates a Service with one annotation, waits for a Warning naming it and saying what is wrong,
   * and returns the AWS calls made meanwhile; the Service gets no address.
   */
  private List<String> createAndAwaitWarning(
      String name, String annotation, String value, String problem) throws Exception {
    Service service = ControllerOnMoto.service(NS, name, 30100 + 2 * name.length());
    service.getMetadata().setAnnotations(Map.of(annotation, value));
    moto.startRecording();

    cluster.client().services().resource(service).create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(events(name))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getMessage()).contains(annotation).contains(problem);
                        }));
    List<String> calls = moto.stopRecording();
    assertThat(ControllerOnMoto.hostname(service(name))).isNull();
    return calls;
  }

  @Test
  void deletingTheServiceRemovesEveryAwsResourceThenTheFinalizer() throws Exception {
    cluster.client().services().resource(ControllerOnMoto.service(NS, "web", 30200)).create();
    String host =
        await().atMost(WAIT).until(() -> ControllerOnMoto.hostname(service("web")), h -> h != null);
    assertThat(host).endsWith(".elb.amazonaws.com");
    String uid = service("web").getMetadata().getUid();
    assertThat(tagged(uid)).hasSize(3 /* NLB + 2 target groups */);

    cluster.client().services().inNamespace(NS).withName("web").delete();

    await().atMost(WAIT).until(() -> service("web") == null);
    assertThat(
            moto.awsCli(
                "elbv2",
                "describe-load-balancers",
                "--query",
                "LoadBalancers[?DNSName=='" + host + "'].LoadBalancerArn"))
        .isEmpty();
    assertThat(tagged(uid)).as("leaked resources").isEmpty();
    assertThat(
            moto.awsCli(
                "ec2",
                "describe-security-groups",
                "--filters",
                "Name=tag:fairlead.dev/service-uid,Values=" + uid,
                "--query",
                "SecurityGroups[].GroupId"))
        .isEmpty();
  }

  private List<String> tagged(String uid) throws Exception {
    String out =
        moto.awsCli(
            "resourcegroupstaggingapi",
            "get-resources",
            "--tag-filters",
            "Key=fairlead.dev/service-uid,Values=" + uid,
            "--resource-type-filters",
            "elasticloadbalancing:loadbalancer",
            "elasticloadbalancing:targetgroup",
            "--query",
            "ResourceTagMappingList[].ResourceARN");
    return out.isBlank() ? List.of() : List.of(out.split("\\s+"));
  }

  private Service service(String name) {
    return cluster.client().services().inNamespace(NS).withName(name).get();
  }

  private List<Event> events(String name) {
    return cluster.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
