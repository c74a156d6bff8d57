package dev.fairlead.lb.baremetal.speaker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairlead.lb.baremetal.crd.BGPPeer;
import dev.fairlead.lb.baremetal.speaker.bgp.BgpSpeaker;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The speaker against FRR 8.4 (Debian's package) in network namespaces: sessions with TCP MD5,
 * ECMP routes in FRR and in the router's kernel, real client traffic through the router to every
 * node over IPv4 and IPv6, withdrawals, BFD, the hold timer, SIGKILL and graceful restart. The
 * failover times themselves are measured by {@code BgpFailoverBenchmark}; this test checks what
 * caused each withdrawal, from FRR's own account. Needs root and FRR; skipped with the reason
 * otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class BgpFrrIT {
  static BgpLab lab;
  static final Duration AWAIT = Duration.ofSeconds(40);

  @BeforeAll
  static void setUp() throws Exception {
    BgpLab.assumeAvailable();
    lab = new BgpLab("wrong-password", true);
  }

  @AfterAll
  static void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  static String v4(String node) {
    return lab.net.nodeV4.get(node);
  }

  static String v6(String node) {
    return lab.net.nodeV6.get(node);
  }

  static void awaitEstablished(String... nodes) {
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      for (String node : nodes) {
        assertThat(lab.neighborState(node)).as("router's session with %s; speaker log:%n%s", node,
            lab.speakerLog(node)).isEqualTo("Established");
      }
    });
  }

  @Test
  @Order(1)
  void aWrongMd5PasswordNeverEstablishesTheRightOneDoes() throws Exception {
    // Watch for 8 s after the speakers' first attempts reached the router, which counts every
    // segment with a bad signature; FRR logs nothing and never sees a connection.
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    long watchUntil = Long.MAX_VALUE;
    while (System.nanoTime() < Math.min(deadline, watchUntil)) {
      for (String node : BgpLab.NODES) {
        assertThat(lab.neighborState(node)).isNotEqualTo("Established");
      }
      if (watchUntil == Long.MAX_VALUE && lab.md5Failures() > 0) {
        watchUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      }
      Thread.sleep(500);
    }
    assertThat(lab.md5Failures()).as("the router's kernel dropped our signed SYNs").isPositive();
    BGPPeer peer = lab.peerObject("rtr-gr");
    assertThat(peer.getStatus().nodes().get("node2").lastError()).contains("timed out");

    lab.secret(BgpLab.PASSWORD);

    awaitEstablished("node1", "node2");
  }

  @Test
  @Order(2)
  void everyNodeAnnouncesEcmpInFrrAndTheKernelAndClientsReachBothNodes() {
    String vip = lab.net.vip4(0);
    String vip6 = lab.net.vip6(0);
    lab.cluster.service("web", false, vip, vip6);

    await().atMost(AWAIT).untilAsserted(() -> {
      assertThat(lab.bgpNextHops(vip + "/32")).containsExactlyInAnyOrder(v4("node1"), v4("node2"));
      assertThat(lab.kernelNextHops(vip)).containsExactlyInAnyOrder(v4("node1"), v4("node2"));
    });
    List<JsonNode> paths = lab.paths(vip + "/32");
    assertThat(paths).allSatisfy(p -> {
      assertThat(p.path("multipath").asBoolean() || p.path("bestpath").path("overall").asBoolean())
          .isTrue();
      assertThat(p.path("origin").asText()).isEqualToIgnoringCase("IGP");
      assertThat(p.path("community").path("string").asText()).isEqualTo("64513:100");
      assertThat(p.path("largeCommunity").path("string").asText()).isEqualTo("64513:7:9");
    });
    Map<String, Integer> flows = lab.flows(vip, 24);
    assertThat(flows).as("24 flows with distinct source ports").containsKeys("node1", "node2")
        .doesNotContainKey("-");

    // IPv6 over the IPv4 sessions (MP_REACH_NLRI) with each node's global IPv6 as next hop
    await().atMost(AWAIT).untilAsserted(() -> {
      assertThat(lab.bgpNextHops(vip6 + "/128")).containsExactlyInAnyOrder(v6("node1"), v6("node2"));
      assertThat(lab.kernelNextHops(vip6)).containsExactlyInAnyOrder(v6("node1"), v6("node2"));
    });
    assertThat(lab.flows(vip6, 24)).containsKeys("node1", "node2").doesNotContainKey("-");
  }

  @Test
  @Order(3)
  void localServicesAreAnnouncedOnlyFromNodesWithReadyEndpoints() {
    String vip = lab.net.vip4(1);
    lab.cluster.service("local", true, vip);
    lab.cluster.endpoints("local", "node1");

    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(lab.bgpNextHops(vip + "/32")).containsExactly(v4("node1")));
    assertThat(lab.flows(vip, 8)).containsOnlyKeys("node1");

    lab.cluster.endpoints("local");
    await().atMost(AWAIT).untilAsserted(() -> {
      assertThat(lab.paths(vip + "/32")).isEmpty();
      assertThat(lab.kernelNextHops(vip)).isEmpty();
    });
  }

  @Test
  @Order(4)
  void aNodeTurningIneligibleWithdrawsAtOnce() {
    String vip = lab.net.vip4(0);
    lab.label("node2", "node.kubernetes.io/exclude-from-external-load-balancers", "true");
    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(lab.kernelNextHops(vip)).containsExactly(v4("node1")));
    assertThat(lab.neighborState("node2")).as("only the routes go; the session stays").isEqualTo("Established");

    lab.unlabel("node2", "node.kubernetes.io/exclude-from-external-load-balancers");
    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(lab.kernelNextHops(vip)).containsExactlyInAnyOrder(v4("node1"), v4("node2")));
  }

  @Test
  @Order(5)
  void deletingTheServiceWithdrawsItsRoutes() {
    String vip = lab.net.vip4(2);
    lab.cluster.service("short-lived", false, vip);
    await().atMost(AWAIT).untilAsserted(() -> assertThat(lab.bgpNextHops(vip + "/32")).hasSize(2));

    lab.cluster.deleteService("short-lived");

    await().atMost(AWAIT).untilAsserted(() -> {
      assertThat(lab.paths(vip + "/32")).isEmpty();
      assertThat(lab.kernelNextHops(vip)).isEmpty();
    });
  }

  @Test
  @Order(6)
  void bfdTakesASilentNodesRoutesAway() {
    String vip = lab.net.vip4(0);
    awaitBfdUp("node1");

    lab.link("node1", false); // node1 falls silent; the router's own link stays up
    try {
      await().atMost(AWAIT).untilAsserted(() -> {
        assertThat(lab.kernelNextHops(vip)).containsExactly(v4("node2"));
        assertThat(lab.lastReset("node1")).matches("(?is).*(BFD|060a).*");
      });
      assertThat(lab.flows(vip, 8)).containsOnlyKeys("node2");
    } finally {
      lab.link("node1", true);
    }
    awaitEstablished("node1");
    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(lab.kernelNextHops(vip)).containsExactlyInAnyOrder(v4("node1"), v4("node2")));
  }

  static void awaitBfdUp(String node) {
    await().atMost(AWAIT).untilAsserted(() -> assertThat(lab.frr.json("show bfd peers json")
        .findValuesAsText("status")).as(lab.frr.vtysh("show bfd peers")).contains("up"));
  }

  /**
   * Node1 without BFD on either side (node2 has graceful restart, which rightly keeps its routes
   * after a hold-timer expiry, RFC 8538): the router notices the silence after the hold time.
   */
  @Test
  @Order(7)
  void withoutBfdTheHoldTimerTakesASilentNodesRoutesAway() {
    String vip = lab.net.vip4(0);
    lab.frr.configureBgp(BgpLab.ROUTER_AS, "no neighbor " + v4("node1") + " bfd");
    lab.peer("rtr-bfd", "bfd", java.util.Optional.empty(), false);
    try {
      await().atMost(AWAIT).untilAsserted(() -> assertThat(lab.peerObject("rtr-bfd").getStatus()
          .nodes().get("node1").bfd()).isNull());
      awaitEstablished("node1");
      await().atMost(AWAIT).untilAsserted(() ->
          assertThat(lab.kernelNextHops(vip)).containsExactlyInAnyOrder(v4("node1"), v4("node2")));
      lab.link("node1", false);
      try {
        await().atMost(AWAIT).untilAsserted(() -> {
          assertThat(lab.kernelNextHops(vip)).containsExactly(v4("node2"));
          assertThat(lab.lastReset("node1")).matches("(?is).*(hold timer|0400).*");
        });
      } finally {
        lab.link("node1", true);
      }
    } finally {
      lab.frr.configureBgp(BgpLab.ROUTER_AS, "neighbor " + v4("node1") + " bfd profile fast");
      lab.peer("rtr-bfd", "bfd", java.util.Optional.of("fast"), false);
    }
    awaitEstablished("node1");
    awaitBfdUp("node1");
  }

  @Test
  @Order(8)
  void aKilledSpeakerWithoutGracefulRestartIsWithdrawnAtOnce() throws Exception {
    String vip = lab.net.vip4(0);
    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(lab.kernelNextHops(vip)).containsExactlyInAnyOrder(v4("node1"), v4("node2")));

    lab.killSpeaker("node1");

    await().atMost(AWAIT).untilAsserted(() -> {
      assertThat(lab.kernelNextHops(vip)).containsExactly(v4("node2"));
      assertThat(lab.neighborState("node1")).isNotEqualTo("Established");
    });
    lab.startSpeaker("node1");
    awaitEstablished("node1");
    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(lab.kernelNextHops(vip)).containsExactlyInAnyOrder(v4("node1"), v4("node2")));
  }

  @Test
  @Order(9)
  void aGracefulRestartKeepsTheRoutesAndTheTrafficFlowing() throws Exception {
    String vip = lab.net.vip4(0);
    lab.stopSpeaker("node2"); // SIGTERM: Cease with the N bit, the router keeps the routes as stale

    for (int i = 0; i < 4; i++) {
      assertThat(lab.neighborState("node2")).isNotEqualTo("Established");
      assertThat(lab.kernelNextHops(vip)).contains(v4("node2")); // node1 is not under test here
      assertThat(lab.flows(vip, 8)).containsKey("node2");
      Thread.sleep(500);
    }
    assertThat(lab.paths(vip + "/32")).anySatisfy(p -> assertThat(p.path("stale").asBoolean())
        .as("node2's path is kept as stale: %s", p).isTrue());

    lab.startSpeaker("node2");
    awaitEstablished("node2");
    await().atMost(AWAIT).untilAsserted(() -> assertThat(lab.paths(vip + "/32"))
        .hasSize(2).noneSatisfy(p -> assertThat(p.path("stale").asBoolean()).isTrue()));
  }

  @Test
  @Order(10)
  void peersCarryStatusAndEventsWithTheNotificationsReason() {
    await().atMost(AWAIT).untilAsserted(() -> {
      BGPPeer peer = lab.peerObject("rtr-bfd");
      assertThat(peer.getStatus().nodes()).containsOnlyKeys("node1");
      assertThat(peer.getStatus().nodes().get("node1").state()).isEqualTo("Established");
      assertThat(peer.getStatus().nodes().get("node1").bfd()).isEqualTo("Up");
      assertThat(peer.getStatus().nodes().get("node1").prefixesIPv4()).isEqualTo(1);
      assertThat(peer.getStatus().nodes().get("node1").prefixesIPv6()).isEqualTo(1);
    });
    String metrics = lab.metrics("node1");
    assertThat(metrics).contains("fairlead_bgp_session_up{peer=\"rtr-bfd\"} 1.0")
        .contains("fairlead_bgp_prefixes_advertised{family=\"ipv4\",peer=\"rtr-bfd\"} 1.0")
        .contains("fairlead_bgp_prefixes_advertised{family=\"ipv6\",peer=\"rtr-bfd\"} 1.0")
        .contains("fairlead_bfd_session_up{peer=\"rtr-bfd\"} 1.0")
        .containsPattern("fairlead_bgp_updates_sent_total\\{peer=\"rtr-bfd\"} [1-9]");

    lab.frr.configureBgp(BgpLab.ROUTER_AS,
        "neighbor " + v4("node1") + " shutdown message planned maintenance");
    try {
      await().atMost(AWAIT).untilAsserted(() -> assertThat(peerEvents()).anySatisfy(e -> {
        assertThat(e.getReason()).isEqualTo(BgpSpeaker.SESSION_DOWN);
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getInvolvedObject().getName()).isEqualTo("rtr-bfd");
        assertThat(e.getMessage())
            .contains("Cease/Administrative Shutdown \"planned maintenance\"");
      }));
      await().atMost(AWAIT).untilAsserted(() -> assertThat(lab.peerObject("rtr-bfd").getStatus()
          .nodes().get("node1").lastError()).contains("planned maintenance"));
    } finally {
      lab.frr.configureBgp(BgpLab.ROUTER_AS, "no neighbor " + v4("node1") + " shutdown");
    }
    awaitEstablished("node1");
    assertThat(peerEvents()).anySatisfy(e -> assertThat(e.getReason()).isEqualTo(BgpSpeaker.SESSION_UP));
  }

  static List<Event> peerEvents() {
    return lab.cluster.client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "BGPPeer".equals(e.getInvolvedObject().getKind())).toList();
  }
}
