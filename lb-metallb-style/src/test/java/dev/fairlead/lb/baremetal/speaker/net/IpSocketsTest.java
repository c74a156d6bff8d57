package dev.fairlead.lb.baremetal.speaker.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The FFM TCP and UDP sockets over loopback (no root needed). */
@Timeout(30)
class IpSocketsTest {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void tcpConnectsWritesReadsAndSeesTheEndOfStream() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
      CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          String got = new String(in.readNBytes(5), StandardCharsets.US_ASCII);
          OutputStream out = s.getOutputStream();
          out.write("world".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return got;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try (TcpConnection c = TcpConnection.connect(
          new InetSocketAddress(LOOPBACK, server.getLocalPort()), Optional.of(LOOPBACK),
          Optional.empty(), 64, Duration.ofSeconds(5), () -> false)) {
        assertThat(c.localAddress().getAddress()).isEqualTo(LOOPBACK);
        assertThat(c.ipv4()).isTrue();
        c.write("hello".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(1));
        assertThat(peer.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
        byte[] buffer = new byte[64];
        int n = 0;
        int got = 0;
        while (got < 5 && n >= 0) {
          n = c.read(buffer, got);
          got += Math.max(n, 0);
        }
        assertThat(new String(buffer, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("world");
        int end = 0;
        for (int i = 0; i < 50 && end == 0; i++) {
          end = c.read(buffer, 0);
        }
        assertThat(end).isEqualTo(-1);
      }
    }
  }

  @Test
  void aRefusedConnectionSaysSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> TcpConnection.connect(new InetSocketAddress(LOOPBACK, port),
        Optional.empty(), Optional.empty(), 64, Duration.ofSeconds(5), () -> false))
        .isInstanceOf(IOException.class).hasMessageContaining("Connection refused");
  }

  @Test
  void aSignedSynToAListenerWithoutTheKeyNeverConnects() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
      assertThatThrownBy(() -> TcpConnection.connect(
          new InetSocketAddress(LOOPBACK, server.getLocalPort()), Optional.empty(),
          Optional.of("s3cret".getBytes(StandardCharsets.UTF_8)), 64, Duration.ofMillis(700),
          () -> false))
          .isInstanceOf(IOException.class).hasMessageContaining("timed out");
    }
  }

  @Test
  void keysLongerThanLinuxAllowsAreRefusedBeforeConnecting() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
      assertThatThrownBy(() -> TcpConnection.connect(
          new InetSocketAddress(LOOPBACK, server.getLocalPort()), Optional.empty(),
          Optional.of(new byte[81]), 64, Duration.ofSeconds(1), () -> false))
          .hasMessageContaining("1 to 80 octets");
    }
  }

  @Test
  void udpSendsWithTheChosenTtlAndReportsItOnReceive() throws Exception {
    try (UdpSocket a = UdpSocket.open(new InetSocketAddress(LOOPBACK, 0), 255);
        UdpSocket b = UdpSocket.open(new InetSocketAddress(LOOPBACK, 0), 7)) {
      a.send(b.localAddress(), new byte[] {1, 2, 3});
      b.send(a.localAddress(), new byte[] {4});

      UdpSocket.Datagram atB = receive(b);
      UdpSocket.Datagram atA = receive(a);

      assertThat(atB.data()).containsExactly(1, 2, 3);
      assertThat(atB.ttl()).isEqualTo(255);
      assertThat(atB.source()).isEqualTo(a.localAddress());
      assertThat(atA.ttl()).isEqualTo(7);
    }
  }

  @Test
  void ipv6UdpReportsTheHopLimit() throws Exception {
    InetAddress v6 = InetAddress.ofLiteral("::1");
    try (UdpSocket a = UdpSocket.open(new InetSocketAddress(v6, 0), 255);
        UdpSocket b = UdpSocket.open(new InetSocketAddress(v6, 0), 255)) {
      a.send(b.localAddress(), new byte[] {9});
      assertThat(receive(b).ttl()).isEqualTo(255);
    }
  }

  @Test
  void closingWakesAReceiverWithinASlice() throws Exception {
    UdpSocket s = UdpSocket.open(new InetSocketAddress(LOOPBACK, 0), 255);
    CompletableFuture<Throwable> receiver = CompletableFuture.supplyAsync(() -> {
      try {
        while (true) {
          s.receive();
        }
      } catch (IOException e) {
        return e;
      }
    });
    Thread.sleep(150);
    s.close();
    assertThat(receiver.get(5, TimeUnit.SECONDS)).hasMessageContaining("closed");
  }

  private static UdpSocket.Datagram receive(UdpSocket s) throws IOException {
    for (int i = 0; i < 50; i++) {
      Optional<UdpSocket.Datagram> d = s.receive();
      if (d.isPresent()) {
        return d.get();
      }
    }
    throw new AssertionError("nothing received");
  }
}
