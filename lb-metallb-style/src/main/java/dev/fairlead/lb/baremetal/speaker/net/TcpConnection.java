package dev.fairlead.lb.baremetal.speaker.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * An outgoing TCP connection made through the FFM API, because the JDK has no socket option for
 * {@code TCP_MD5SIG} (RFC 2385 signatures, which BGP peers use as passwords) nor for the IP TTL. The
 * socket is created in the peer's own address family (an IPv4 key on an IPv6 socket is refused by
 * Linux), the key is installed before {@code connect}, so even the SYN is signed: with a wrong key
 * the peer's kernel drops every segment and the connection never opens.
 *
 * <p>One thread may read while another writes; {@link #close()} may come from any thread.
 */
public final class TcpConnection implements AutoCloseable {
  /** {@code struct tcp_md5sig}: address (128), flags, prefix length, key length (u16), ifindex, key[80]. */
  private static final int MD5SIG_SIZE = 216;
  private static final int MD5_KEYLEN_OFFSET = 130;
  private static final int MD5_KEY_OFFSET = 136;
  /** The longest key Linux accepts. */
  public static final int MAX_KEY_LENGTH = 80;
  /** IP precedence "internetwork control", as routing protocols mark their traffic. */
  private static final int TOS_INTERNETWORK_CONTROL = 0xc0;

  private final NativeSocket socket;
  private final InetSocketAddress local;
  private final InetSocketAddress remote;

  private TcpConnection(NativeSocket socket, InetSocketAddress local, InetSocketAddress remote) {
    this.socket = socket;
    this.local = local;
    this.remote = remote;
  }

  /**
   * Connects.
   *
   * @param remote the peer
   * @param source local address to bind, or empty to let routing choose
   * @param md5Key the TCP MD5 key (at most 80 octets), or empty
   * @param ttl IP TTL / hop limit of outgoing segments (1 for a directly connected eBGP peer)
   * @param timeout how long to wait for the handshake
   * @param cancelled checked between waits; true aborts the attempt
   * @return the open connection
   * @throws IOException with the errno text (ECONNREFUSED, ENETUNREACH, timeout, ...)
   */
  public static TcpConnection connect(InetSocketAddress remote, Optional<InetAddress> source,
      Optional<byte[]> md5Key, int ttl, Duration timeout, BooleanSupplier cancelled)
      throws IOException {
    InetAddress peer = remote.getAddress();
    int family = SocketAddresses.family(peer);
    String description = "TCP socket to " + remote;
    NativeSocket socket = new NativeSocket(NativeSocket.open(family, Libc.SOCK_STREAM, description),
        description);
    try {
      if (family == Libc.AF_INET) {
        socket.setInt(Libc.IPPROTO_IP, Libc.IP_TTL, ttl, "IP_TTL");
        socket.setInt(Libc.IPPROTO_IP, Libc.IP_TOS, TOS_INTERNETWORK_CONTROL, "IP_TOS");
      } else {
        socket.setInt(Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, ttl, "IPV6_UNICAST_HOPS");
        socket.setInt(Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, TOS_INTERNETWORK_CONTROL, "IPV6_TCLASS");
      }
      if (md5Key.isPresent()) {
        setMd5(socket, peer, md5Key.get());
      }
      if (source.isPresent()) {
        socket.bind(new InetSocketAddress(source.get(), 0));
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment sa = arena.allocate(SocketAddresses.MAX_LENGTH);
        int length = SocketAddresses.write(sa, remote);
        Libc.Result r = Libc.connect(socket.fd, sa, length);
        if (r.failed() && r.errno() != Libc.EINPROGRESS) {
          throw NativeSocket.error("connect to " + remote, r.errno());
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!socket.poll(Libc.POLLOUT, NativeSocket.SLICE_MILLIS)) {
        if (cancelled.getAsBoolean()) {
          throw new IOException("connect to " + remote + " cancelled");
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new IOException("connect to " + remote + " timed out after " + timeout.toMillis()
              + " ms" + (md5Key.isPresent() ? " (a wrong TCP MD5 password looks like this too)" : ""));
        }
      }
      int error = socket.pendingError();
      if (error != 0) {
        throw NativeSocket.error("connect to " + remote, error);
      }
      return new TcpConnection(socket, socket.localAddress(), remote);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static void setMd5(NativeSocket socket, InetAddress peer, byte[] key) throws IOException {
    if (key.length == 0 || key.length > MAX_KEY_LENGTH) {
      throw new IOException("TCP MD5 key must be 1 to 80 octets, got " + key.length);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sig = arena.allocate(MD5SIG_SIZE);
      SocketAddresses.write(sig, new InetSocketAddress(peer, 0));
      sig.set(ValueLayout.JAVA_SHORT, MD5_KEYLEN_OFFSET, (short) key.length);
      MemorySegment.copy(key, 0, sig, ValueLayout.JAVA_BYTE, MD5_KEY_OFFSET, key.length);
      Libc.Result r = Libc.setsockopt(socket.fd, Libc.IPPROTO_TCP, Libc.TCP_MD5SIG, sig, MD5SIG_SIZE);
      if (r.failed()) {
        throw NativeSocket.error("setsockopt(TCP_MD5SIG) (is CONFIG_TCP_MD5SIG in this kernel?)",
            r.errno());
      }
    }
  }

  /**
   * The local end, whose address is this node's next hop towards the peer.
   *
   * @return address and port
   */
  public InetSocketAddress localAddress() {
    return local;
  }

  /**
   * The peer.
   *
   * @return address and port
   */
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  /**
   * Whether the local address is IPv4.
   *
   * @return true for an IPv4 connection
   */
  public boolean ipv4() {
    return local.getAddress() instanceof Inet4Address;
  }

  /**
   * Reads what has arrived, waiting at most one poll slice (100 ms).
   *
   * @param into destination
   * @param offset where to start writing
   * @return octets read, 0 if nothing arrived in the slice, -1 at end of stream
   * @throws IOException on errors or when closed
   */
  public int read(byte[] into, int offset) throws IOException {
    socket.acquire();
    try (Arena arena = Arena.ofConfined()) {
      if (!socket.poll(Libc.POLLIN, NativeSocket.SLICE_MILLIS)) {
        return 0;
      }
      int max = into.length - offset;
      MemorySegment readBuffer = arena.allocate(max);
      Libc.Result r = Libc.recv(socket.fd, readBuffer, max, Libc.MSG_DONTWAIT);
      if (r.failed()) {
        if (r.errno() == Libc.EAGAIN || r.errno() == Libc.EINTR) {
          return 0;
        }
        throw NativeSocket.error("recv from " + remote, r.errno());
      }
      if (r.value() == 0) {
        return -1;
      }
      MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, into, offset, (int) r.value());
      return (int) r.value();
    } finally {
      socket.release();
    }
  }

  /**
   * Writes all of {@code data}.
   *
   * @param data octets
   * @param timeout how long a full send buffer may block the write
   * @throws IOException on errors, when closed, or after the timeout
   */
  public void write(byte[] data, Duration timeout) throws IOException {
    socket.acquire();
    try (Arena local = Arena.ofConfined()) {
      MemorySegment buffer = local.allocateFrom(ValueLayout.JAVA_BYTE, data);
      long written = 0;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (written < data.length) {
        Libc.Result r = Libc.send(socket.fd, buffer.asSlice(written), data.length - written,
            Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
        if (r.failed()) {
          if (r.errno() != Libc.EAGAIN && r.errno() != Libc.EINTR) {
            throw NativeSocket.error("send to " + remote, r.errno());
          }
          if (socket.isClosed() || System.nanoTime() - deadline >= 0) {
            throw new IOException("send to " + remote + " blocked for " + timeout.toMillis() + " ms");
          }
          socket.poll(Libc.POLLOUT, NativeSocket.SLICE_MILLIS);
        } else {
          written += r.value();
        }
      }
    } finally {
      socket.release();
    }
  }

  /** Closes the connection; a read or write in progress ends within 100 ms. */
  @Override
  public void close() {
    socket.close();
  }
}
