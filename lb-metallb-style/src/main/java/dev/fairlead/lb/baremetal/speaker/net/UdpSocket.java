package dev.fairlead.lb.baremetal.speaker.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A UDP socket that sends with a chosen TTL and reports the TTL (hop limit) of each received
 * datagram, which the JDK's datagram channels cannot do. BFD needs both: single-hop sessions send
 * with TTL 255 and drop anything that arrives with less (RFC 5881 §5, the GTSM check).
 */
public final class UdpSocket implements AutoCloseable {
  /** {@code struct msghdr} on 64-bit Linux. */
  private static final int MSGHDR_SIZE = 56;
  private static final int CONTROL_SIZE = 64;

  private final NativeSocket socket;
  private final boolean ipv4;

  /**
   * One received datagram.
   *
   * @param source sender
   * @param data payload
   * @param ttl its IP TTL or hop limit on arrival, or -1 when the kernel did not report it
   */
  public record Datagram(InetSocketAddress source, byte[] data, int ttl) {}

  private UdpSocket(NativeSocket socket, boolean ipv4) {
    this.socket = socket;
    this.ipv4 = ipv4;
  }

  /**
   * Opens a socket bound to {@code local}.
   *
   * @param local address and port (an IPv6 wildcard socket receives IPv6 only)
   * @param ttl TTL / hop limit for sent datagrams
   * @return the socket
   * @throws IOException when the port is taken or the kernel refuses
   */
  public static UdpSocket open(InetSocketAddress local, int ttl) throws IOException {
    boolean ipv4 = local.getAddress() instanceof Inet4Address;
    String description = "UDP socket on " + local;
    NativeSocket socket = new NativeSocket(
        NativeSocket.open(ipv4 ? Libc.AF_INET : Libc.AF_INET6, Libc.SOCK_DGRAM, description),
        description);
    try {
      if (ipv4) {
        socket.setInt(Libc.IPPROTO_IP, Libc.IP_TTL, ttl, "IP_TTL");
        socket.setInt(Libc.IPPROTO_IP, Libc.IP_RECVTTL, 1, "IP_RECVTTL");
      } else {
        socket.setInt(Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 1, "IPV6_V6ONLY");
        socket.setInt(Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, ttl, "IPV6_UNICAST_HOPS");
        socket.setInt(Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
      }
      socket.bind(local);
      return new UdpSocket(socket, ipv4);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * The bound address.
   *
   * @return address and port
   * @throws IOException when closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return socket.localAddress();
  }

  /**
   * Sends one datagram.
   *
   * @param to destination
   * @param data payload
   * @throws IOException with the errno text
   */
  public void send(InetSocketAddress to, byte[] data) throws IOException {
    socket.acquire();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
      MemorySegment sa = arena.allocate(SocketAddresses.MAX_LENGTH);
      int length = SocketAddresses.write(sa, to);
      socket.check(Libc.sendto(socket.fd, buffer, data.length, Libc.MSG_NOSIGNAL, sa, length),
          "sendto " + to);
    } finally {
      socket.release();
    }
  }

  /**
   * Receives the next datagram, waiting at most one poll slice (100 ms).
   *
   * @return the datagram, or empty
   * @throws IOException on errors or when closed
   */
  public Optional<Datagram> receive() throws IOException {
    socket.acquire();
    try (Arena arena = Arena.ofConfined()) {
      if (!socket.poll(Libc.POLLIN, NativeSocket.SLICE_MILLIS)) {
        return Optional.empty();
      }
      MemorySegment buffer = arena.allocate(2048);
      MemorySegment name = arena.allocate(SocketAddresses.MAX_LENGTH);
      MemorySegment control = arena.allocate(CONTROL_SIZE, 8);
      MemorySegment iov = arena.allocate(16, 8);
      iov.set(ValueLayout.ADDRESS, 0, buffer);
      iov.set(ValueLayout.JAVA_LONG, 8, buffer.byteSize());
      MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
      msg.set(ValueLayout.ADDRESS, 0, name);
      msg.set(ValueLayout.JAVA_INT, 8, SocketAddresses.MAX_LENGTH);
      msg.set(ValueLayout.ADDRESS, 16, iov);
      msg.set(ValueLayout.JAVA_LONG, 24, 1);
      msg.set(ValueLayout.ADDRESS, 32, control);
      msg.set(ValueLayout.JAVA_LONG, 40, CONTROL_SIZE);
      Libc.Result r = Libc.recvmsg(socket.fd, msg, Libc.MSG_DONTWAIT);
      if (r.failed()) {
        if (r.errno() == Libc.EAGAIN || r.errno() == Libc.EINTR) {
          return Optional.empty();
        }
        throw NativeSocket.error("recvmsg on " + socket.description, r.errno());
      }
      byte[] data = buffer.asSlice(0, r.value()).toArray(ValueLayout.JAVA_BYTE);
      long controlLength = msg.get(ValueLayout.JAVA_LONG, 40);
      return Optional.of(new Datagram(SocketAddresses.read(name), data, ttl(control, controlLength)));
    } finally {
      socket.release();
    }
  }

  /** Walks the control messages ({@code struct cmsghdr}: len u64, level i32, type i32, data). */
  private int ttl(MemorySegment control, long length) {
    int level = ipv4 ? Libc.IPPROTO_IP : Libc.IPPROTO_IPV6;
    int type = ipv4 ? Libc.IP_TTL : Libc.IPV6_HOPLIMIT;
    long offset = 0;
    while (offset + 16 <= length) {
      long cmsgLength = control.get(ValueLayout.JAVA_LONG, offset);
      if (cmsgLength < 16 || offset + cmsgLength > length) {
        break;
      }
      if (control.get(ValueLayout.JAVA_INT, offset + 8) == level
          && control.get(ValueLayout.JAVA_INT, offset + 12) == type && cmsgLength >= 20) {
        return control.get(ValueLayout.JAVA_INT, offset + 16);
      }
      offset += (cmsgLength + 7) & ~7L;
    }
    return -1;
  }

  /** Closes; a receive in progress returns within 100 ms. */
  @Override
  public void close() {
    socket.close();
  }
}
