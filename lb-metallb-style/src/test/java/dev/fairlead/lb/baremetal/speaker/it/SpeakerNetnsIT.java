package dev.fairlead.lb.baremetal.speaker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.baremetal.speaker.election.Election;
import dev.fairlead.lb.baremetal.speaker.membership.MembershipKey;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * End to end over real Linux networking: three node namespaces with one speaker process each, a
 * client namespace using arping, ndisc6, nc and its own neighbour cache, and the mock API server on
 * the bridge. Needs root; skipped (with the reason) otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90)
class SpeakerNetnsIT {
  static final String SERVER = """
      import socket, sys
      s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
      s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
      s.bind(('::', 8080))
      s.listen(64)
      while True:
          c, _ = s.accept()
          try:
              c.sendall((sys.argv[1] + '\\n').encode())
          except OSError:
              pass  # a client that gave up (reset) must not stop the server
          finally:
              c.close()
      """;

  static final Optional<String> UNAVAILABLE = Topology.unavailable();
  static Topology net;
  static MockCluster cluster;
  static Client client;
  static Path logs;
  static final Map<String, SpeakerProcess> speakers = new LinkedHashMap<>();
  /** The nodes running a correct speaker; node4 and node5 host the rogue speakers. */
  static final List<String> NODES = List.of("node1", "node2", "node3");
  static final String KEY = MockCluster.newKey();

  @BeforeEach
  void skipWithoutNamespaces() {
    Topology.assumeAvailable(UNAVAILABLE);
  }

  @BeforeAll
  static void setUp() throws Exception {
    if (UNAVAILABLE.isPresent()) {
      return;
    }
    net = new Topology(5);
    logs = Files.createDirectories(Path.of("target", "speaker-it", net.prefix));
    cluster = new MockCluster(net.apiAddress(), logs);
    cluster.membershipSecret(MockCluster.SECRET, Map.of("key", KEY));
    client = new Client(net.client);
    for (String node : NODES) {
      cluster.node(node, net.nodeV4.get(node));
    }
    // vip4(5) and vip4(6) stay outside: the L2Advertisement test gives them pools of their own.
    cluster.pool("default", net.vip4(0) + "-" + net.vip4(4), net.vip6(0) + "/124");
    for (int i = 0; i < 7; i++) {
      net.addVipToNodes(net.vip4(i));
    }
    net.addVipToNodes(net.vip6(0));
    Path script = logs.resolve("server.py");
    Files.writeString(script, SERVER);
    for (String node : NODES) {
      net.spawn(net.nodeNamespaces.get(node), logs.resolve("server-" + node + ".log"),
          List.of("python3", script.toAbsolutePath().toString(), node));
      SpeakerProcess speaker = new SpeakerProcess(net, cluster, node, logs);
      speakers.put(node, speaker);
      speaker.start();
    }
    // Each node's TCP server answers inside its namespace before any test relies on it.
    for (String node : NODES) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(Topology.tryExec(5, net.nodeNamespaces.get(node), "nc", "-w", "2", "127.0.0.1",
              "8080").output()).as("TCP server on %s; its log: %s", node,
              Files.readString(logs.resolve("server-" + node + ".log"))).contains(node));
    }
    awaitMembers(3, Duration.ofSeconds(120));
  }

  @AfterAll
  static void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
    if (net != null) {
      net.close();
    }
  }

  static void awaitMembers(int expected, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (SpeakerProcess s : speakers.values()) {
        assertThat(s.metric("fairlead_speaker_members", ""))
            .as("members seen by %s; log:%n%s", s.node, s.logTail()).isEqualTo(expected);
      }
    });
  }

  /** The node the election must pick among {@code live}. */
  static String winner(String vip, List<String> live) {
    return live.stream().min(Comparator.comparing(
        (String n) -> Election.score(n, InetAddress.ofLiteral(vip)), Arrays::compareUnsigned)).orElseThrow();
  }

  static String mac(String node) {
    return net.nodeMacs.get(node);
  }

  @Test
  @Order(1)
  void arpingGetsTheElectedNodesMacAndExactlyOneNodeAnswers() {
    String vip = net.vip4(0);
    cluster.service("web", false, vip);
    String owner = winner(vip, NODES);

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Client.Arping a = client.arping(vip, 3);
      assertThat(a.answeredBy(mac(owner))).as("replies %s, expected %s", a.macs(), owner).isTrue();
      assertThat(a.everyRequestAnsweredByOneNode()).as("replies %s to %d requests", a.macs(), a.sent()).isTrue();
    });
    assertThat(speakers.get(owner).metric("fairlead_speaker_vips_held", "ipv4")).isEqualTo(1);
    assertThat(speakers.get(owner).metric("fairlead_speaker_announcements_sent_total", "ipv4")).isPositive();
    assertThat(speakers.get(owner).metric("fairlead_speaker_responses_sent_total", "ipv4")).isPositive();
    for (String other : NODES) {
      if (!other.equals(owner)) {
        assertThat(speakers.get(other).metric("fairlead_speaker_vips_held", "ipv4")).isZero();
      }
    }
  }

  @Test
  @Order(2)
  void tcpToTheVipReachesTheServerOnTheElectedNode() {
    String vip = net.vip4(0);
    String owner = winner(vip, NODES);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client.connect(vip)).contains(owner));
    assertThat(client.neighbor(vip)).contains(mac(owner));
  }

  @Test
  @Order(3)
  void ipv6WorksThroughNeighborDiscovery() {
    String vip = net.vip6(0);
    cluster.service("web6", false, vip);
    String owner = winner(vip, NODES);

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(client.ndisc(vip)).isNotEmpty().containsOnly(mac(owner)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client.connect(vip)).contains(owner));
    assertThat(client.neighbor(vip)).contains(mac(owner));
    assertThat(speakers.get(owner).metric("fairlead_speaker_responses_sent_total", "ipv6")).isPositive();
  }

  @Test
  @Order(4)
  void aHostRunningDuplicateAddressDetectionForAVipIsRefusedAndReported() {
    String vip = net.vip6(0);
    String owner = winner(vip, NODES);
    Topology.exec(net.client, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=1");
    try {
      Topology.exec(net.client, "ip", "addr", "add", vip + "/128", "dev", "eth0");

      // The speaker defends the VIP like the kernel defends its own addresses: the client's DAD
      // fails, so it never starts using the address, and the Service gets a Warning event. While
      // the takeover burst of unsolicited advertisements is still running, one of them can fail
      // the client's DAD before its probe goes out (nothing to report then): try again.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(Topology.exec(net.client, "ip", "-6", "addr", "show", "dev", "eth0"))
            .contains("dadfailed");
        if (cluster.events("web6").stream().noneMatch(e -> "AddressConflict".equals(e.getReason()))) {
          Shell.quiet("ip", "netns", "exec", net.client, "ip", "addr", "del", vip + "/128", "dev", "eth0");
          Topology.exec(net.client, "ip", "addr", "add", vip + "/128", "dev", "eth0");
        }
        assertThat(cluster.events("web6")).anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("AddressConflict");
          assertThat(e.getMessage()).contains("duplicate address detection", owner);
        });
      });
    } finally {
      Shell.quiet("ip", "netns", "exec", net.client, "ip", "addr", "del", vip + "/128", "dev", "eth0");
      Topology.exec(net.client, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0");
    }
    assertThat(client.ndisc(vip)).isNotEmpty().containsOnly(mac(owner));
  }

  @Test
  @Order(5)
  void twoServicesSharingOneAddressAreAnnouncedFromOneNode() {
    String vip = net.vip4(1);
    cluster.service("http", false, vip);
    cluster.service("dns", false, vip);
    String owner = winner(vip, NODES);

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Client.Arping a = client.arping(vip, 2);
      assertThat(a.answeredBy(mac(owner)) && a.everyRequestAnsweredByOneNode()).as("%s", a).isTrue();
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (String service : List.of("http", "dns")) {
        assertThat(cluster.events(service)).anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("Announcing");
          assertThat(e.getMessage()).contains(vip, owner);
        });
      }
    });

    cluster.deleteService("http");

    // Still used by "dns": still answered, by the same node.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(client.arping(vip, 1).answeredBy(mac(owner))).isTrue());
  }

  @Test
  @Order(6)
  void aNodeLabelledExcludeFromExternalLoadBalancersGivesUpItsVips() {
    String vip = net.vip4(1); // still used by "dns"
    String owner = winner(vip, NODES);
    String next = winner(vip, NODES.stream().filter(n -> !n.equals(owner)).toList());

    cluster.client.nodes().withName(owner).edit(n -> {
      n.getMetadata().getLabels().put("node.kubernetes.io/exclude-from-external-load-balancers", "");
      return n;
    });
    try {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        Client.Arping a = client.arping(vip, 2);
        assertThat(a.answeredBy(mac(next)) && a.everyRequestAnsweredByOneNode()).as("%s", a).isTrue();
      });
    } finally {
      cluster.client.nodes().withName(owner).edit(n -> {
        n.getMetadata().getLabels().remove("node.kubernetes.io/exclude-from-external-load-balancers");
        return n;
      });
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Client.Arping a = client.arping(vip, 2);
      assertThat(a.answeredBy(mac(owner)) && a.everyRequestAnsweredByOneNode()).as("%s", a).isTrue();
    });
  }

  @Test
  @Order(7)
  void localTrafficPolicyFollowsTheEndpoints() {
    String vip = net.vip4(2);
    String hashWinner = winner(vip, NODES);
    List<String> others = NODES.stream().filter(n -> !n.equals(hashWinner)).toList();
    cluster.endpoints("local", others.get(0));
    cluster.service("local", true, vip);

    // Only the node with the endpoint qualifies, although another node wins the hash.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Client.Arping a = client.arping(vip, 2);
      assertThat(a.answeredBy(mac(others.get(0))) && a.everyRequestAnsweredByOneNode()).as("%s", a).isTrue();
    });
    assertThat(client.connect(vip)).contains(others.get(0));

    cluster.endpoints("local", others.get(1));

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Client.Arping a = client.arping(vip, 2);
      assertThat(a.answeredBy(mac(others.get(1))) && a.everyRequestAnsweredByOneNode()).as("%s", a).isTrue();
    });

    cluster.endpoints("local");

    // No ready endpoint: nobody answers, and neither does any node's kernel (VIP on a NOARP dummy).
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(client.arping(vip, 2).macs()).isEmpty());
  }

  @Test
  @Order(8)
  void aForeignHostAnsweringForAVipIsReportedAsAConflict() {
    String vip = net.vip4(3);
    Topology.exec(net.client, "ip", "addr", "add", vip + "/32", "dev", "eth0");
    try {
      cluster.service("squatted", false, vip);
      String owner = winner(vip, NODES);

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(cluster.events("squatted")).anySatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getReason()).isEqualTo("AddressConflict");
          assertThat(e.getMessage()).contains(vip);
        });
        assertThat(speakers.get(owner).metric("fairlead_speaker_address_conflicts_total", "ipv4")).isPositive();
      });
    } finally {
      Topology.exec(net.client, "ip", "addr", "del", vip + "/32", "dev", "eth0");
      cluster.deleteService("squatted");
    }
  }

  @Test
  @Order(9)
  void killingTheElectedSpeakerMovesTheVipAndTheClientsNeighbourCacheFollows() throws Exception {
    String vip = net.vip4(0);
    String owner = winner(vip, NODES);
    List<String> survivors = NODES.stream().filter(n -> !n.equals(owner)).toList();
    String next = winner(vip, survivors);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client.connect(vip)).contains(owner));
    assertThat(client.neighbor(vip)).contains(mac(owner));

    speakers.get(owner).kill();

    // The client sends nothing: only the new owner's gratuitous ARP can change its cache.
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(client.neighbor(vip)).contains(mac(next)));
    Client.Arping a = client.arping(vip, 2);
    assertThat(a.answeredBy(mac(next)) && a.everyRequestAnsweredByOneNode()).as("%s", a).isTrue();
    assertThat(client.connect(vip)).contains(next);

    speakers.get(owner).start();
    awaitMembers(3, Duration.ofSeconds(60));

    // Back where the hash puts it, announced again.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Client.Arping again = client.arping(vip, 2);
      assertThat(again.answeredBy(mac(owner)) && again.everyRequestAnsweredByOneNode()).as("%s", again).isTrue();
      assertThat(client.neighbor(vip)).contains(mac(owner));
    });
  }

  @Test
  @Order(10)
  void ipv6TakeoverUpdatesTheClientsNeighbourCacheThroughTheUnsolicitedAdvertisement()
      throws Exception {
    String vip = net.vip6(0);
    String owner = winner(vip, NODES);
    String next = winner(vip, NODES.stream().filter(n -> !n.equals(owner)).toList());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client.connect(vip)).contains(owner));
    assertThat(client.neighbor(vip)).contains(mac(owner));

    speakers.get(owner).kill();

    // No traffic from the client: the new owner's NA to ff02::1 with O=1 replaces the entry.
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(client.neighbor(vip)).contains(mac(next)));
    assertThat(client.ndisc(vip)).isNotEmpty().containsOnly(mac(next));
    assertThat(client.connect(vip)).contains(next);

    speakers.get(owner).start();
    awaitMembers(3, Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(client.ndisc(vip)).isNotEmpty().containsOnly(mac(owner)));
  }

  @Test
  @Order(11)
  void aNodeWhoseLinkGoesDownLosesItsVipsToAnotherNode() {
    String vip = net.vip4(0);
    String owner = winner(vip, NODES);
    String next = winner(vip, NODES.stream().filter(n -> !n.equals(owner)).toList());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(client.connect(vip)).contains(owner));

    // Cut the cable: no FIN, no RST, the speaker process keeps running.
    Shell.must("ip", "link", "set", net.outerLink(owner), "down");
    try {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
          assertThat(client.connect(vip)).contains(next));
    } finally {
      Shell.must("ip", "link", "set", net.outerLink(owner), "up");
    }

    // The partition heals (MERGE3); one answer again, from the hash winner.
    awaitMembers(3, Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      Client.Arping a = client.arping(vip, 2);
      assertThat(a.answeredBy(mac(owner)) && a.everyRequestAnsweredByOneNode()).as("%s", a).isTrue();
      assertThat(client.connect(vip)).contains(owner);
    });
    assertThat(Set.copyOf(NODES)).hasSize(3);
  }

  /** Every ARP request for {@code vip} is answered, and only by {@code mac}. */
  static void assertOnlyAnswer(String vip, String mac) {
    Client.Arping a = client.arping(vip, 2);
    assertThat(a.answeredBy(mac) && a.everyRequestAnsweredByOneNode()).as("%s: %s", vip, a).isTrue();
  }

  static double sum(String metric, String labels) {
    return NODES.stream().mapToDouble(n -> Math.max(0, speakers.get(n).metric(metric, labels))).sum();
  }

  @Test
  @Order(12)
  void speakersWithAWrongKeyOrNoKeyAreRefusedTakeNoVipAndDisturbNothing() throws Exception {
    String vip = net.vip4(4);
    cluster.service("contested", false, vip);
    String owner = winner(vip, NODES);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertOnlyAnswer(vip, mac(owner)));
    // The wrong-key speaker runs on a Node whose name wins this address, were it let in.
    String rogue = IntStream.range(0, 500).mapToObj(i -> "rogue" + i)
        .filter(n -> winner(vip, Stream.concat(NODES.stream(), Stream.of(n)).toList()).equals(n))
        .findFirst().orElseThrow();
    cluster.node(rogue, net.nodeV4.get("node4"));
    cluster.node("keyless", net.nodeV4.get("node5"));
    cluster.membershipSecret("wrong-key", Map.of("key", MockCluster.newKey()));
    double changesBefore = sum("fairlead_speaker_ownership_changes_total", "");
    SpeakerProcess wrongKey = new SpeakerProcess(net, cluster, "node4", rogue, logs,
        "--membership-secret=default/wrong-key");
    SpeakerProcess noKey = new SpeakerProcess(net, cluster, "node5", "keyless", logs,
        "--insecure-membership");
    try {
      wrongKey.start();
      noKey.start();

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(wrongKey.metric("fairlead_speaker_standing_down", "")).as(wrongKey.logTail()).isEqualTo(1);
        assertThat(noKey.metric("fairlead_speaker_standing_down", "")).as(noKey.logTail()).isEqualTo(1);
        assertThat(wrongKey.metric("fairlead_speaker_membership_refused_total", "unknown_key")).isPositive();
        assertThat(noKey.metric("fairlead_speaker_membership_refused_total", "sealed_but_no_key")).isPositive();
        assertThat(sum("fairlead_speaker_membership_refused_total", "unknown_key")).isPositive();
        assertThat(sum("fairlead_speaker_membership_refused_total", "not_sealed")).isPositive();
      });
      assertThat(wrongKey.logTail()).contains("refused membership traffic from node", "standing down");
      assertThat(noKey.logTail()).contains("sealed, but this speaker has no membership key", "standing down");
      // Never held anything, never joined: the group is still the three correct speakers.
      for (SpeakerProcess r : List.of(wrongKey, noKey)) {
        assertThat(r.metric("fairlead_speaker_ownership_changes_total", "acquired")).as(r.node).isLessThan(1);
        assertThat(r.metric("fairlead_speaker_members", "")).isEqualTo(1);
        assertThat(r.metric("fairlead_speaker_vips_held", "")).isZero();
      }
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        for (String node : NODES) {
          assertThat(speakers.get(node).metric("fairlead_speaker_members", "")).isEqualTo(3);
        }
        assertOnlyAnswer(vip, mac(owner));
      });
      assertThat(sum("fairlead_speaker_ownership_changes_total", "")).as("no VIP moved")
          .isEqualTo(changesBefore);
    } finally {
      wrongKey.kill();
      noKey.kill();
      cluster.deleteNode(rogue);
      cluster.deleteNode("keyless");
      cluster.deleteService("contested");
    }
  }

  @Test
  @Order(13)
  void whenABridgePartitionHealsEveryVipHasExactlyOneOwnerAgain() {
    List<String> vips = List.of(net.vip4(0), net.vip4(1));
    String isolated = winner(net.vip4(0), NODES);
    List<String> others = NODES.stream().filter(n -> !n.equals(isolated)).toList();
    double heldBefore = sum("fairlead_speaker_vips_held", "");
    String table = net.partition(isolated, others);
    try {
      // Both sides believe the other dead: each announces, so the client sees two answers.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        assertThat(speakers.get(isolated).metric("fairlead_speaker_members", "")).isEqualTo(1);
        assertThat(speakers.get(others.getFirst()).metric("fairlead_speaker_members", "")).isEqualTo(2);
        assertThat(client.arping(net.vip4(0), 2).macs())
            .contains(mac(isolated), mac(winner(net.vip4(0), others)));
      });
    } finally {
      net.heal(table);
    }

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      for (String vip : vips) {
        assertOnlyAnswer(vip, mac(winner(vip, NODES)));
      }
      assertThat(sum("fairlead_speaker_vips_held", "")).as("VIPs held, all speakers").isEqualTo(heldBefore);
    });
  }

  @Test
  @Order(14)
  void l2AdvertisementsChooseNodesAndInterfacesAndInterfacesArePickedUpLive() {
    String vip = net.vip4(5);
    // "edge" may be announced only from two of the nodes, and only on interface lan2.
    String excluded = winner(vip, NODES);
    List<String> allowed = NODES.stream().filter(n -> !n.equals(excluded)).toList();
    String owner = winner(vip, allowed);
    cluster.pool("edge", vip + "/32");
    // The default pool stays announced from every node, but only on eth0 (lan2 below is on the
    // same segment, so without this both interfaces of the owner would answer).
    cluster.l2Advertisement("default", List.of("default"), List.of(), List.of("eth0"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(cluster.l2AdvertisementCondition("default")).hasValueSatisfying(c ->
            assertThat(c).startsWith("True")));
    cluster.l2Advertisement("edge", List.of("edge"), allowed, List.of("lan2"));
    cluster.l2Advertisement("broken", List.of("edge"), List.of("bad key!"), List.of());
    cluster.service("edge", false, vip);
    try {
      // Owner elected among the allowed nodes, but without lan2 nobody answers, and it says so.
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        assertThat(cluster.events("edge")).anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("AnnounceFailed");
          assertThat(e.getMessage()).contains(owner, "lan2");
        });
        assertThat(client.arping(vip, 1).macs()).isEmpty();
      });
      Map<String, String> lan2 = new LinkedHashMap<>();
      for (String node : NODES) {
        lan2.put(node, net.addInterface(node, "lan2"));
      }
      // Picked up without restart; answered from the owner's new interface only.
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertOnlyAnswer(vip, lan2.get(owner)));
      // Renamed: no longer an allowed interface; renamed back: answered again.
      net.renameInterface(owner, "lan2", "lan9");
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(client.arping(vip, 1).macs()).isEmpty());
      net.renameInterface(owner, "lan9", "lan2");
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(client.arping(vip, 2).answeredBy(lan2.get(owner))).isTrue());
      // The default pool is still announced, from its hash winner's eth0 only.
      assertThat(client.arping(net.vip4(0), 2).answeredBy(mac(winner(net.vip4(0), NODES)))).isTrue();
      // The invalid advertisement is reported on its status and as a Warning, naming the field.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(cluster.l2AdvertisementCondition("broken")).hasValueSatisfying(c ->
            assertThat(c).startsWith("False").contains("spec.nodeSelectors[0].matchLabels"));
        assertThat(cluster.l2AdvertisementEvents("broken")).anySatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("spec.nodeSelectors[0].matchLabels");
        });
      });
    } finally {
      for (String name : List.of("edge", "broken", "default")) {
        cluster.deleteL2Advertisement(name);
      }
      cluster.deleteService("edge");
      for (String node : NODES) {
        net.removeInterface(node, "lan2");
        net.removeInterface(node, "lan9");
      }
    }
  }

  static String fingerprint(String key) {
    return MembershipKey.fromSecret("key", key.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .fingerprint();
  }

  /** Waits until every correct speaker shows the key with this use (send or accept). */
  static void awaitKey(String key, String use) {
    String labels = "fingerprint=\"" + fingerprint(key) + "\",use=\"" + use + "\"";
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      for (String node : NODES) {
        assertThat(speakers.get(node).metric("fairlead_speaker_membership_keys", labels))
            .as("%s on %s", labels, node).isEqualTo(1);
      }
    });
  }

  @Test
  @Order(15)
  void theMembershipKeyRotatesInThreeStepsWithoutMovingAnything() {
    String vip = net.vip4(0);
    String owner = winner(vip, NODES);
    double changesBefore = sum("fairlead_speaker_ownership_changes_total", "");
    double refusedBefore = sum("fairlead_speaker_membership_refused_total", "");
    String next = MockCluster.newKey();

    cluster.membershipSecret(MockCluster.SECRET, Map.of("key", KEY, "next", next));
    awaitKey(next, "accept");
    cluster.membershipSecret(MockCluster.SECRET, Map.of("key", next, "previous", KEY));
    awaitKey(next, "send");
    cluster.membershipSecret(MockCluster.SECRET, Map.of("key", next));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      for (String node : NODES) {
        assertThat(speakers.get(node).metric("fairlead_speaker_membership_keys", "use=\"accept\""))
            .as("keys accepted on %s", node).isEqualTo(1);
      }
    });

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (String node : NODES) {
        assertThat(speakers.get(node).metric("fairlead_speaker_members", "")).isEqualTo(3);
      }
      assertOnlyAnswer(vip, mac(owner));
    });
    assertThat(sum("fairlead_speaker_ownership_changes_total", "")).as("no VIP moved").isEqualTo(changesBefore);
    assertThat(sum("fairlead_speaker_membership_refused_total", "")).as("nothing refused")
        .isEqualTo(refusedBefore);
  }
}
