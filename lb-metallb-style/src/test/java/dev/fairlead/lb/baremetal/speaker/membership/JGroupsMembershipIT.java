package dev.fairlead.lb.baremetal.speaker.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jgroups.stack.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Members on the loopback interface of one JVM (no root needed). */
class JGroupsMembershipIT {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final Keyring KEY_A = Keyring.fromSecret(Map.of("key", KeyringTest.bytes(KeyringTest.A)));
  static final Keyring KEY_B = Keyring.fromSecret(Map.of("key", KeyringTest.bytes(KeyringTest.B)));
  final List<JGroupsMembership> members = new ArrayList<>();
  final Map<String, List<Refusal>> refusals = new ConcurrentHashMap<>();
  final AtomicInteger changes = new AtomicInteger();

  @AfterEach
  void closeAll() {
    members.forEach(JGroupsMembership::close);
  }

  static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
        port = s.getLocalPort();
      }
      if (port < 65000) {
        try (ServerSocket crash = new ServerSocket(port + 100, 1, LOOPBACK)) {
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no free port pair");
  }

  /** Ports for {@code count} members, all of them seeds of each other. */
  static List<Integer> ports(int count) throws IOException {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(freePortPair());
    }
    return ports;
  }

  JGroupsMembership member(int index, List<Integer> ports, Keyring keys) throws Exception {
    List<InetSocketAddress> seeds = ports.stream().map(p -> new InetSocketAddress(LOOPBACK, p)).toList();
    String node = "node" + (index + 1);
    JGroupsMembership m = new JGroupsMembership(new MembershipSettings(node, LOOPBACK,
        ports.get(index), seeds, Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ofMillis(250)),
        List.of(Mac.parse("02:00:00:00:00:0" + (index + 1))), keys,
        r -> refusals.computeIfAbsent(node, k -> new CopyOnWriteArrayList<>()).add(r));
    members.add(m);
    m.start(changes::incrementAndGet);
    return m;
  }

  /** Starts three members with the same key and waits until they form one group. */
  void threeMembersWithOneKey() throws Exception {
    List<Integer> ports = ports(3);
    for (int i = 0; i < 3; i++) {
      member(i, ports, KEY_A);
    }
    awaitGroup(members, "node1", "node2", "node3");
  }

  void awaitGroup(List<JGroupsMembership> group, String... names) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (JGroupsMembership m : group) {
        assertThat(m.members()).containsOnlyKeys(names);
      }
    });
  }

  @Test
  void membersSeeEachOtherLeaveAtOnceAndRejoin() throws Exception {
    threeMembersWithOneKey();

    assertThat(members.get(0).members().get("node3")).containsExactly(Mac.parse("02:00:00:00:00:03"));
    assertThat(changes.get()).isPositive();

    members.get(2).close();

    // A graceful leave needs no failure detection (the bound is generous: the machine is shared).
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(members.get(0).members()).containsOnlyKeys("node1", "node2");
      assertThat(members.get(1).members()).containsOnlyKeys("node1", "node2");
    });
    // A speaker that left is still known by its MAC: its answers are a hand-over, not a conflict.
    assertThat(members.get(0).speakerOf(Mac.parse("02:00:00:00:00:03"))).contains("node3");
    assertThat(members.get(0).speakerOf(Mac.parse("02:00:00:00:00:99"))).isEmpty();

    members.get(2).start(changes::incrementAndGet);

    awaitGroup(members, "node1", "node2", "node3");
    assertThat(refusals).as("nothing refused among members with the same key").isEmpty();
  }

  @Test
  void aMemberWithAnotherKeyIsRefusedBothWaysAndNeverJoins() throws Exception {
    List<Integer> ports = ports(4);
    List<JGroupsMembership> group = List.of(member(0, ports, KEY_A), member(1, ports, KEY_A),
        member(2, ports, KEY_A));
    awaitGroup(group, "node1", "node2", "node3");
    JGroupsMembership rogue = member(3, ports, KEY_B);

    // Discovery runs every few seconds: both sides see each other's traffic and refuse it.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(rogue.refusedBy()).containsExactlyInAnyOrder("node1", "node2", "node3");
      for (JGroupsMembership m : group) {
        assertThat(m.refusedBy()).containsExactly("node4");
      }
    });
    assertThat(refusals.get("node4")).extracting(Refusal::reason).containsOnly(Refusal.Reason.UNKNOWN_KEY);
    assertThat(refusals.get("node1")).extracting(Refusal::reason).containsOnly(Refusal.Reason.UNKNOWN_KEY);
    assertThat(rogue.members()).containsOnlyKeys("node4");
    for (JGroupsMembership m : group) {
      assertThat(m.members()).containsOnlyKeys("node1", "node2", "node3");
    }
    assertThat(Outvoted.standDown(rogue.refusedBy(), rogue.members().keySet())).isTrue();
    assertThat(Outvoted.standDown(group.get(0).refusedBy(), group.get(0).members().keySet())).isFalse();
  }

  @Test
  void aMemberWithoutKeyIsRefusedAndKnowsIt() throws Exception {
    List<Integer> ports = ports(3);
    List<JGroupsMembership> group = List.of(member(0, ports, KEY_A), member(1, ports, KEY_A));
    awaitGroup(group, "node1", "node2");
    JGroupsMembership plain = member(2, ports, null);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(plain.refusedBy()).containsExactlyInAnyOrder("node1", "node2");
      assertThat(group.get(0).refusedBy()).containsExactly("node3");
    });
    assertThat(refusals.get("node3")).extracting(Refusal::reason)
        .containsOnly(Refusal.Reason.SEALED_BUT_NO_KEY);
    assertThat(refusals.get("node1")).extracting(Refusal::reason).containsOnly(Refusal.Reason.NOT_SEALED);
    assertThat(plain.members()).containsOnlyKeys("node3");
    awaitGroup(group, "node1", "node2");
  }

  @Test
  void keysRotateWithoutAViewChange() throws Exception {
    threeMembersWithOneKey();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> true);
    int viewsBefore = changes.get();
    Map<String, byte[]> a = Map.of("key", KeyringTest.bytes(KeyringTest.A));
    Map<String, byte[]> b = Map.of("key", KeyringTest.bytes(KeyringTest.B));

    // 1. everyone accepts the new key, 2. one by one they send with it, 3. the old one goes.
    members.forEach(m -> m.rekey(Keyring.fromSecret(Map.of("key", a.get("key"), "next", b.get("key")))));
    for (JGroupsMembership m : members) {
      m.rekey(Keyring.fromSecret(Map.of("key", b.get("key"), "previous", a.get("key"))));
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(members).allSatisfy(x ->
              assertThat(x.members()).containsOnlyKeys("node1", "node2", "node3")));
    }
    members.forEach(m -> m.rekey(Keyring.fromSecret(b)));
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(members).allSatisfy(x ->
            assertThat(x.members()).containsOnlyKeys("node1", "node2", "node3")));

    assertThat(changes.get()).as("views installed during the rotation").isEqualTo(viewsBefore);
    assertThat(refusals).as("nothing refused during the rotation").isEmpty();
  }

  @Test
  void aConnectionThatClaimsAnotherHostsAddressIsClosed() throws Exception {
    List<Integer> ports = ports(1);
    JGroupsMembership m = member(0, ports, KEY_A);
    awaitGroup(List.of(m), "node1");

    try (Socket liar = new Socket(LOOPBACK, ports.get(0))) {
      liar.getOutputStream().write(handshake(InetAddress.ofLiteral("127.0.0.2"), 7946));
      liar.setSoTimeout(5000);
      assertThat(liar.getInputStream().read()).as("closed by the speaker").isEqualTo(-1);
    }
    assertThat(refusals.get("node1")).extracting(Refusal::reason)
        .containsExactly(Refusal.Reason.SPOOFED_ADDRESS);

    try (Socket honest = new Socket(LOOPBACK, ports.get(0))) {
      honest.getOutputStream().write(handshake(LOOPBACK, honest.getLocalPort()));
      honest.setSoTimeout(1000);
      assertThatThrownBy(() -> honest.getInputStream().read()).as("kept open")
          .isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(refusals.get("node1")).hasSize(1);
  }

  /** JGroups' TCP connection preamble: cookie, version, address size, address. */
  static byte[] handshake(InetAddress address, int port) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {'b', 'e', 'l', 'a'});
    out.writeShort(org.jgroups.Version.version);
    IpAddress ip = new IpAddress(address, port);
    out.writeShort(ip.serializedSize());
    ip.writeTo(out);
    return bytes.toByteArray();
  }

  @Test
  void settingsRejectATimeoutShorterThanTwoHeartbeats() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MembershipSettings("n", LOOPBACK, 7946,
        List.of(), Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }
}
