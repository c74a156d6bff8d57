package dev.fairlead.lb.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AWS call budgets of DESIGN.md, counted by moto's recorder with the real controller runtime in
 * front: create, restart with 50 unchanged Services, node join. The figures are printed for the
 * README.
 */
class ApiEconomyIT {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String NS = "shop";
  static final int SERVICES = 50;

  MotoServer moto;
  FakeApiServer cluster;
  ControllerHarness controller;

  @BeforeEach
  void setUp() throws Exception {
    moto = MotoServer.start();
    moto.seedCluster(ControllerOnMoto.CLUSTER);
    cluster = FakeApiServer.start();
    for (int i = 1; i <= 3; i++) {
      cluster.client().nodes().resource(ControllerOnMoto.node(i)).create();
    }
  }

  @AfterEach
  void tearDown() {
    MotoServer.closeAll(controller, cluster, moto);
  }

  @Test
  void createRestartAndNodeJoinStayWithinTheirCallBudgets() throws Exception {
    controller = ControllerOnMoto.start(cluster.client(), moto.settings(Map.of()), "it-1");
    controller.provider().recovered().await();

    // 1. One Service, 2 ports, 3 nodes, on a cluster that has no NLB yet.
    moto.startRecording();
    cluster.client().services().resource(ControllerOnMoto.service(NS, "svc-0", 30000)).create();
    String host = awaitHostname("svc-0");
    List<String> create = moto.stopRecording();
    System.out.printf(
        "AWS calls to create 1 Service (2 ports, 3 nodes): %d %s%n",
        create.size(), histogram(create));
    assertThat(create).as("create budget (upstream ~21)").hasSizeLessThanOrEqualTo(11);

    // The aws CLI, independent of our SDK client, sees the NLB as the status says.
    String name =
        moto.awsCli(
            "elbv2",
            "describe-load-balancers",
            "--query",
            "LoadBalancers[?DNSName=='" + host + "'].[LoadBalancerName,Type,Scheme]");
    assertThat(name).contains("network").contains("internet-facing");
    String lbArn =
        moto.awsCli(
            "elbv2",
            "describe-load-balancers",
            "--query",
            "LoadBalancers[?DNSName=='" + host + "'].LoadBalancerArn");
    assertThat(
            moto.awsCli(
                    "elbv2",
                    "describe-listeners",
                    "--load-balancer-arn",
                    lbArn,
                    "--query",
                    "Listeners[].[Port,Protocol]")
                .lines()
                .map(String::strip)
                .sorted()
                .toList())
        .containsExactly("443\tTCP", "80\tTCP");
    String tgArns =
        moto.awsCli(
            "elbv2",
            "describe-listeners",
            "--load-balancer-arn",
            lbArn,
            "--query",
            "Listeners[].DefaultActions[0].TargetGroupArn");
    for (String tg : tgArns.split("\\s+")) {
      assertThat(
              moto.awsCli(
                      "elbv2",
                      "describe-target-health",
                      "--target-group-arn",
                      tg,
                      "--query",
                      "TargetHealthDescriptions[].Target.Id")
                  .split("\\s+"))
          .containsExactlyInAnyOrder(
              MotoServer.instance(1), MotoServer.instance(2), MotoServer.instance(3));
    }
    assertThat(
            moto.awsCli(
                "elbv2",
                "describe-tags",
                "--resource-arns",
                lbArn,
                "--query",
                "TagDescriptions[0].Tags[?Key=='kubernetes.io/service-name'].Value"))
        .isEqualTo(NS + "/svc-0");

    // A second Service on a warm cluster (shared backend group exists).
    moto.startRecording();
    cluster.client().services().resource(ControllerOnMoto.service(NS, "svc-1", 30002)).create();
    awaitHostname("svc-1");
    List<String> second = moto.stopRecording();
    System.out.printf(
        "AWS calls to create a second Service: %d %s%n", second.size(), histogram(second));
    assertThat(second).hasSizeLessThanOrEqualTo(9);

    for (int i = 2; i < SERVICES; i++) {
      cluster
          .client()
          .services()
          .resource(ControllerOnMoto.service(NS, "svc-" + i, 30000 + 2 * i))
          .create();
    }
    for (int i = 0; i < SERVICES; i++) {
      awaitHostname("svc-" + i);
    }

    // 2. Restart with 50 unchanged Services.
    controller.close();
    moto.startRecording();
    controller = ControllerOnMoto.start(cluster.client(), moto.settings(Map.of()), "it-2");
    await().atMost(WAIT).until(() -> controller.provider().ensures() >= SERVICES);
    Thread.sleep(500);
    List<String> restart = moto.stopRecording();
    System.out.printf(
        "AWS calls for a restart with %d unchanged Services: %d %s%n",
        SERVICES, restart.size(), histogram(restart));
    assertThat(restart).as("restart budget (upstream ~650)").hasSizeLessThanOrEqualTo(10);

    // 3. A node joins: exactly two RegisterTargets per Service, nothing else.
    moto.startRecording();
    cluster.client().nodes().resource(ControllerOnMoto.node(4)).create();
    await().atMost(WAIT).until(() -> controller.provider().updates() >= SERVICES);
    Thread.sleep(500);
    List<String> join = moto.stopRecording();
    System.out.printf(
        "AWS calls when a node joins with %d Services: %d %s%n",
        SERVICES, join.size(), histogram(join));
    assertThat(join)
        .as("node join: RegisterTargets only (upstream ~16*S+1)")
        .hasSize(2 * SERVICES)
        .containsOnly("RegisterTargets");
    for (String tg : tgArns.split("\\s+")) {
      assertThat(
              moto.awsCli(
                      "elbv2",
                      "describe-target-health",
                      "--target-group-arn",
                      tg,
                      "--query",
                      "TargetHealthDescriptions[].Target.Id")
                  .split("\\s+"))
          .contains(MotoServer.instance(4));
    }

    // 4. Graceful restart after the node join: the provider writes the deferred targets
    // checkpoints on close, batched (same target set: one AddTags per 20 NLBs), so the restart
    // stays as cheap as before.
    moto.startRecording();
    controller.close();
    controller = null;
    List<String> shutdown = moto.stopRecording();
    System.out.printf(
        "AWS calls on shutdown after the node join (deferred checkpoints): %d %s%n",
        shutdown.size(), histogram(shutdown));
    assertThat(shutdown).containsOnly("AddTags").hasSize((SERVICES + 19) / 20);
    moto.startRecording();
    controller = ControllerOnMoto.start(cluster.client(), moto.settings(Map.of()), "it-3");
    await().atMost(WAIT).until(() -> controller.provider().ensures() >= SERVICES);
    Thread.sleep(500);
    List<String> again = moto.stopRecording();
    System.out.printf(
        "AWS calls for a restart after the node join: %d %s%n", again.size(), histogram(again));
    assertThat(again).hasSizeLessThanOrEqualTo(10);
  }

  private String awaitHostname(String name) {
    return await()
        .atMost(WAIT)
        .until(() -> ControllerOnMoto.hostname(service(name)), h -> h != null);
  }

  private Service service(String name) {
    return cluster.client().services().inNamespace(NS).withName(name).get();
  }

  static Map<String, Long> histogram(List<String> operations) {
    return operations.stream()
        .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
  }
}
