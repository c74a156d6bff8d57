package dev.fairlead.lb.baremetal.speaker.it;

import dev.fairlead.lb.baremetal.speaker.net.Link;
import dev.fairlead.lb.baremetal.speaker.net.Links;
import dev.fairlead.lb.baremetal.speaker.net.PacketSocket;
import dev.fairlead.lb.baremetal.speaker.packet.Arp;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The failover benchmark's client, run as its own JVM inside the client namespace. Two probes at
 * once, each printing one line per observation with the wall-clock time in milliseconds (same clock
 * as the benchmark, same machine):
 *
 * <ul>
 *   <li>{@code A <millis> <mac>}: an ARP reply for the VIP; a raw ARP request goes out every 10 ms,
 *       so this measures who answers ARP, independent of any neighbour cache;
 *   <li>{@code T <millis> <node>}: a TCP connection to VIP:8080 that succeeded, tried every 50 ms
 *       with a 200 ms timeout through the client kernel (its neighbour cache included): what a real
 *       client experiences.
 * </ul>
 *
 * <p>Usage: {@code ClientProbe <interface> <client-ip> <vip>}. Runs until killed.
 */
public final class ClientProbe {
  private ClientProbe() {}

  /**
   * Entry point.
   *
   * @param args interface, client IPv4, VIP
   * @throws Exception on socket errors
   */
  public static void main(String[] args) throws Exception {
    Link link = Links.system().require(args[0]);
    Inet4Address self = (Inet4Address) InetAddress.ofLiteral(args[1]);
    Inet4Address vip = (Inet4Address) InetAddress.ofLiteral(args[2]);
    PacketSocket socket = PacketSocket.open(link.name(), link.index(), PacketSocket.ETH_P_ARP, null,
        Duration.ofMillis(20));
    byte[] request = Arp.request(link.mac(), self, vip);
    Thread.ofPlatform().daemon().start(() -> {
      while (true) {
        try {
          socket.send(request);
          Thread.sleep(10);
        } catch (IOException | InterruptedException e) {
          return;
        }
      }
    });
    Thread.ofPlatform().daemon().start(() -> {
      while (true) {
        long started = System.currentTimeMillis();
        tcp(vip).ifPresent(node -> emit("T " + System.currentTimeMillis() + " " + node));
        long rest = 50 - (System.currentTimeMillis() - started);
        if (rest > 0) {
          try {
            Thread.sleep(rest);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    });
    while (true) {
      Optional<byte[]> frame = socket.receive();
      if (frame.isPresent()) {
        Arp.parse(frame.get())
            .filter(p -> p.operation() == Arp.REPLY && p.senderIp().equals(vip))
            .ifPresent(p -> emit("A " + System.currentTimeMillis() + " " + p.senderMac()));
      }
    }
  }

  private static Optional<String> tcp(InetAddress vip) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(vip, 8080), 200);
      s.setSoTimeout(500);
      InputStream in = s.getInputStream();
      String line = new String(in.readNBytes(16), StandardCharsets.UTF_8).strip();
      return line.isEmpty() ? Optional.empty() : Optional.of(line);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static synchronized void emit(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
