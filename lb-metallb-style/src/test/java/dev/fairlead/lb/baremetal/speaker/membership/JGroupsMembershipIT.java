package dev.fairlead.lb.baremetal.speaker.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three members on the loopback interface of one JVM (no root needed). */
class JGroupsMembershipIT {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  final List<JGroupsMembership> members = new ArrayList<>();

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

  @Test
  void membersSeeEachOtherLeaveAtOnceAndRejoin() throws Exception {
    List<Integer> ports = List.of(freePortPair(), freePortPair(), freePortPair());
    List<InetSocketAddress> seeds = ports.stream().map(p -> new InetSocketAddress(LOOPBACK, p)).toList();
    AtomicInteger changes = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      Mac mac = Mac.parse("02:00:00:00:00:0" + (i + 1));
      JGroupsMembership m = new JGroupsMembership(new MembershipSettings("node" + (i + 1), LOOPBACK,
          ports.get(i), seeds, Duration.ofMillis(1500), Duration.ofMillis(300), Duration.ofMillis(250)),
          List.of(mac));
      members.add(m);
      m.start(changes::incrementAndGet);
    }

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (JGroupsMembership m : members) {
        assertThat(m.members()).containsOnlyKeys("node1", "node2", "node3");
      }
    });
    assertThat(members.get(0).members().get("node3")).containsExactly(Mac.parse("02:00:00:00:00:03"));
    assertThat(changes.get()).isPositive();

    long left = System.nanoTime();
    members.get(2).close();

    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(members.get(0).members()).containsOnlyKeys("node1", "node2");
      assertThat(members.get(1).members()).containsOnlyKeys("node1", "node2");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - left)).isLessThan(Duration.ofSeconds(2));
    // A speaker that left is still known by its MAC: its answers are a hand-over, not a conflict.
    assertThat(members.get(0).speakerOf(Mac.parse("02:00:00:00:00:03"))).contains("node3");
    assertThat(members.get(0).speakerOf(Mac.parse("02:00:00:00:00:99"))).isEmpty();

    members.get(2).start(changes::incrementAndGet);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (JGroupsMembership m : members) {
        assertThat(m.members()).containsOnlyKeys("node1", "node2", "node3");
      }
    });
  }

  @Test
  void settingsRejectATimeoutShorterThanTwoHeartbeats() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MembershipSettings("n", LOOPBACK, 7946,
        List.of(), Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }
}
