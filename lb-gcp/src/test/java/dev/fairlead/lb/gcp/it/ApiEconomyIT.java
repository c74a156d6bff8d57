package dev.fairlead.lb.gcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import dev.fairlead.lb.gcp.model.ServiceOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Compute call budgets of DESIGN.md, counted by the simulator's recorder with the real
 * controller runtime in front, operations taking 50 ms (so every write is followed by a wait): create,
 * restart with 50 unchanged Services, node join for external and internal load balancers. The
 * figures are printed for the README. gcloud cross-checks what was built.
 */
class ApiEconomyIT {
  static final Duration WAIT = Duration.ofSeconds(90);
  static final String NS = "shop";
  static final int SERVICES = 50;
  static final String PROJECT = SimCloud.PROJECT;

  @TempDir Path dir;
  SimCloud cloud;
  FakeApiServer api;
  ControllerHarness controller;

  @BeforeEach
  void setUp() {
    cloud = new SimCloud();
    cloud.nodes(PROJECT, SimCloud.ZONE, 1, 3);
    cloud.sim.operationDelay(Duration.ofMillis(50));
    api = FakeApiServer.start();
    for (int i = 1; i <= 3; i++) {
      api.client().nodes().resource(ControllerOnSim.node(PROJECT, SimCloud.ZONE, i)).create();
    }
  }

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.close();
    }
    api.close();
    cloud.close();
  }

  @Test
  void externalCreateRestartAndNodeJoinStayWithinTheirBudgets() throws Exception {
    controller = ControllerOnSim.start(api.client(), cloud.settings(), "it-1");
    controller.provider().recovered().await();

    // 1. One Service, 2 ports, 3 nodes, on a cluster without any load balancer yet.
    cloud.sim.recorder().reset();
    create(ControllerOnSim.service(NS, "svc-0", 30000, Map.of()));
    String ip = awaitIp("svc-0");
    List<String> create = cloud.requests();
    System.out.printf("Compute requests to create 1 Service (2 ports, 3 nodes): %d %s%n", create.size(), histogram(create));
    assertThat(create).as("create budget incl. operation waits (upstream ~25+)").hasSizeLessThanOrEqualTo(12);
    assertThat(create.stream().filter(r -> r.contains("/wait")).count()).as("operations were waited on").isPositive();

    if (!Gcloud.installed()) {
      System.out.println("gcloud is not installed: the gcloud cross-check of the create is skipped");
    } else {
      Gcloud gcloud = new Gcloud(dir, cloud.sim.computeUrl(), PROJECT);
      assertThat(gcloud.ok("compute", "forwarding-rules", "list", "--format=value(IPAddress,portRange,target.basename())"))
          .contains(ip).contains("80-443");
      String pool = gcloud.ok("compute", "target-pools", "list", "--format=value(instances.map().basename().list())");
      assertThat(pool).contains("node-1").contains("node-2").contains("node-3");
    }

    for (int i = 1; i < SERVICES; i++) {
      create(ControllerOnSim.service(NS, "svc-" + i, 30000 + 2 * i, Map.of()));
    }
    for (int i = 0; i < SERVICES; i++) {
      awaitIp("svc-" + i);
    }

    // 2. Restart with 50 unchanged Services.
    controller.close();
    cloud.sim.recorder().reset();
    controller = ControllerOnSim.start(api.client(), cloud.settings(), "it-2");
    await().atMost(WAIT).until(() -> controller.provider().ensures() >= SERVICES);
    List<String> restart = cloud.requests();
    System.out.printf("Compute requests for a restart with %d unchanged Services: %d %s%n", SERVICES, restart.size(),
        histogram(restart));
    assertThat(restart).as("restart budget (upstream ~9+Z per Service)").hasSizeLessThanOrEqualTo(5);

    // 3. A node joins: one addInstance per Service (and at most one wait each), no reads.
    cloud.nodes(PROJECT, SimCloud.ZONE, 4, 4);
    cloud.sim.recorder().reset();
    int updatesBefore = controller.provider().updates();
    api.client().nodes().resource(ControllerOnSim.node(PROJECT, SimCloud.ZONE, 4)).create();
    await().atMost(WAIT).until(() -> controller.provider().updates() >= updatesBefore + SERVICES);
    List<String> join = cloud.requests();
    System.out.printf("Compute requests when a node joins with %d external Services: %d %s%n", SERVICES, join.size(),
        histogram(join));
    assertThat(join.stream().filter(r -> r.endsWith("/addInstance"))).hasSize(SERVICES);
    assertThat(join.stream().filter(r -> r.endsWith("/wait")).count()).isLessThanOrEqualTo(SERVICES);
    assertThat(join).as("no reads on a node join").noneMatch(r -> r.startsWith("GET"));
    assertThat(join).hasSizeLessThanOrEqualTo(2 * SERVICES);
    assertThat(cloud.sim.resource("projects/" + PROJECT + "/regions/" + SimCloud.REGION + "/targetPools/"
        + cloud.sim.resources("targetPools").getFirst().substring(cloud.sim.resources("targetPools").getFirst().lastIndexOf('/') + 1))
        .path("instances").toString()).contains("node-4");
  }

  @Test
  void internalNodeJoinAddsOncePerZone() throws Exception {
    controller = ControllerOnSim.start(api.client(), cloud.settings(), "it-1");
    controller.provider().recovered().await();
    int internal = 5;
    for (int i = 0; i < internal; i++) {
      create(ControllerOnSim.service(NS, "ilb-" + i, 31000 + 2 * i, Map.of(ServiceOptions.TYPE, "Internal")));
    }
    for (int i = 0; i < internal; i++) {
      assertThat(awaitIp("ilb-" + i)).startsWith("192.0.2.");
    }
    cloud.nodes(PROJECT, SimCloud.ZONE, 4, 4);
    cloud.sim.recorder().reset();
    int updatesBefore = controller.provider().updates();
    api.client().nodes().resource(ControllerOnSim.node(PROJECT, SimCloud.ZONE, 4)).create();
    await().atMost(WAIT).until(() -> controller.provider().updates() >= updatesBefore + internal);
    List<String> join = cloud.requests();
    System.out.printf("Compute requests when a node joins with %d internal Services: %d %s%n", internal, join.size(),
        histogram(join));
    assertThat(join.stream().filter(r -> r.endsWith("/addInstances"))).as("one addInstances per zone").hasSize(1);
    assertThat(join).as("no reads").noneMatch(r -> r.startsWith("GET"));
    assertThat(cloud.sim.resource("projects/" + PROJECT + "/zones/" + SimCloud.ZONE + "/instanceGroups/k8s-ig--"
        + ControllerOnSim.CLUSTER).path("size").asInt()).isEqualTo(4);
  }

  /**
   * Stores the Service with its random UID. (A create through the fake API server would give it a
   * sequential UID, and upstream's names, "a" + the UID's first 31 hex digits, would collide.)
   */
  private void create(io.fabric8.kubernetes.api.model.Service service) {
    api.preload(service, "services");
  }

  private String awaitIp(String name) {
    return await().atMost(WAIT).until(() -> {
      var ingress = api.ingress(NS, name);
      return ingress == null || ingress.isEmpty() ? null : ingress.getFirst().getIp();
    }, ip -> ip != null);
  }

  static Map<String, Long> histogram(List<String> requests) {
    return requests.stream().map(r -> r.replaceAll("/a[0-9a-f]{31}(-udp|-tcp)?", "/A").replaceAll("node-[0-9]+", "N"))
        .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
  }
}
