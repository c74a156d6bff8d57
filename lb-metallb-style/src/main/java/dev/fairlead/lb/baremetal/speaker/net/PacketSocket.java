package dev.fairlead.lb.baremetal.speaker.net;

import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;

/**
 * An {@code AF_PACKET}/{@code SOCK_RAW} socket bound to one interface and one EtherType: whole
 * Ethernet frames in and out. Needs {@code CAP_NET_RAW}.
 *
 * <p>Frames this host sends itself ({@code PACKET_OUTGOING}) and unicast frames for other hosts seen
 * in promiscuous mode ({@code PACKET_OTHERHOST}) are skipped by {@link #receive()}. Reads wake up
 * every {@code pollInterval} so {@link #close()} never waits on a blocked {@code recvfrom}.
 *
 * <p>One thread may call {@link #receive()} while others call {@link #send(byte[])}.
 */
public final class PacketSocket implements AutoCloseable {
  /** ARP. */
  public static final int ETH_P_ARP = 0x0806;

  /** IPv6. */
  public static final int ETH_P_IPV6 = 0x86DD;

  private static final int PACKET_OTHERHOST = 3;
  private static final int PACKET_OUTGOING = 4;
  private static final ValueLayout.OfShort SHORT_BE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final int fd;
  private final int ifindex;
  private final String interfaceName;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment receiveBuffer;
  private final MemorySegment from;
  private final MemorySegment fromLength;
  private final Object lock = new Object();
  private int inFlight;
  private boolean closed;
  private boolean released;

  private PacketSocket(int fd, int ifindex, String interfaceName) {
    this.fd = fd;
    this.ifindex = ifindex;
    this.interfaceName = interfaceName;
    this.receiveBuffer = arena.allocate(2048);
    this.from = arena.allocate(Libc.SOCKADDR_LL_SIZE);
    this.fromLength = arena.allocate(ValueLayout.JAVA_INT);
  }

  /**
   * Opens a socket on {@code interfaceName} for frames of {@code etherType}.
   *
   * @param interfaceName the interface's name, for messages
   * @param ifindex the interface index
   * @param etherType for example {@link #ETH_P_ARP}
   * @param filter a classic BPF program attached before the socket starts receiving, or null
   * @param pollInterval how long a {@link #receive()} blocks at most
   * @return the socket
   * @throws IOException with the errno text when the kernel refuses (typically EPERM without
   *     CAP_NET_RAW)
   */
  public static PacketSocket open(
      String interfaceName, int ifindex, int etherType, SocketFilter filter, Duration pollInterval)
      throws IOException {
    // Protocol 0 receives nothing until bind() names the EtherType, so the filter below is in place
    // before the first frame is queued.
    Libc.Result socket = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
    if (socket.failed()) {
      throw error("socket(AF_PACKET) for " + interfaceName, socket.errno());
    }
    PacketSocket result = new PacketSocket((int) socket.value(), ifindex, interfaceName);
    try {
      result.configure(etherType, filter, pollInterval);
    } catch (IOException | RuntimeException e) {
      result.close();
      throw e;
    }
    return result;
  }

  private void configure(int etherType, SocketFilter filter, Duration pollInterval)
      throws IOException {
    try (Arena local = Arena.ofConfined()) {
      MemorySegment timeout = local.allocate(16);
      timeout.set(ValueLayout.JAVA_LONG, 0, pollInterval.toSeconds());
      timeout.set(ValueLayout.JAVA_LONG, 8, pollInterval.toMillisPart() * 1000L);
      check(Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, 16), "SO_RCVTIMEO");
      if (filter != null) {
        MemorySegment program = filter.toNative(local);
        check(Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, program,
            (int) program.byteSize()), "SO_ATTACH_FILTER");
      }
      MemorySegment address = local.allocate(Libc.SOCKADDR_LL_SIZE);
      address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
      address.set(SHORT_BE, 2, (short) etherType);
      address.set(ValueLayout.JAVA_INT, 4, ifindex);
      check(Libc.bind(fd, address, Libc.SOCKADDR_LL_SIZE), "bind");
    }
  }

  /**
   * Receives the next frame addressed to this host (or broadcast/multicast).
   *
   * @return the frame, or empty when the poll interval passed without one
   * @throws IOException on socket errors, or when closed
   */
  public Optional<byte[]> receive() throws IOException {
    acquire();
    try {
      return receiveFrame();
    } finally {
      release();
    }
  }

  private Optional<byte[]> receiveFrame() throws IOException {
    while (true) {
      fromLength.set(ValueLayout.JAVA_INT, 0, Libc.SOCKADDR_LL_SIZE);
      Libc.Result r = Libc.recvfrom(fd, receiveBuffer, from, fromLength);
      if (r.failed()) {
        if (r.errno() == Libc.EAGAIN || r.errno() == Libc.EINTR) {
          return Optional.empty();
        }
        throw error("recvfrom on " + interfaceName, r.errno());
      }
      int packetType = from.get(ValueLayout.JAVA_BYTE, 10) & 0xff;
      if (packetType == PACKET_OUTGOING || packetType == PACKET_OTHERHOST) {
        continue;
      }
      return Optional.of(receiveBuffer.asSlice(0, r.value()).toArray(ValueLayout.JAVA_BYTE));
    }
  }

  /**
   * Sends a complete Ethernet frame on the bound interface.
   *
   * @param frame the frame, Ethernet header included
   * @throws IOException with the errno text
   */
  public void send(byte[] frame) throws IOException {
    acquire();
    try (Arena local = Arena.ofConfined()) {
      MemorySegment buffer = local.allocateFrom(ValueLayout.JAVA_BYTE, frame);
      Libc.Result r = Libc.send(fd, buffer, frame.length);
      if (r.failed()) {
        throw error("send on " + interfaceName, r.errno());
      }
    } finally {
      release();
    }
  }

  /**
   * Adds ({@code PACKET_ADD_MEMBERSHIP}) a link-layer multicast address, so frames sent to it reach
   * this socket even on NICs that filter multicast in hardware. Memberships are counted by the
   * kernel per socket and dropped when the socket closes.
   *
   * @param group the multicast MAC, for example a solicited-node 33:33:ff:xx:xx:xx
   * @throws IOException with the errno text
   */
  public void joinMulticast(Mac group) throws IOException {
    membership(Libc.PACKET_ADD_MEMBERSHIP, group);
  }

  /**
   * Drops a membership added with {@link #joinMulticast(Mac)}.
   *
   * @param group the multicast MAC
   * @throws IOException with the errno text
   */
  public void leaveMulticast(Mac group) throws IOException {
    membership(Libc.PACKET_DROP_MEMBERSHIP, group);
  }

  private void membership(int operation, Mac group) throws IOException {
    acquire();
    try (Arena local = Arena.ofConfined()) {
      MemorySegment request = local.allocate(Libc.PACKET_MREQ_SIZE);
      request.set(ValueLayout.JAVA_INT, 0, ifindex);
      request.set(ValueLayout.JAVA_SHORT, 4, (short) Libc.PACKET_MR_MULTICAST);
      request.set(ValueLayout.JAVA_SHORT, 6, (short) 6);
      MemorySegment.copy(group.bytes(), 0, request, ValueLayout.JAVA_BYTE, 8, 6);
      check(Libc.setsockopt(fd, Libc.SOL_PACKET, operation, request, Libc.PACKET_MREQ_SIZE),
          operation == Libc.PACKET_ADD_MEMBERSHIP ? "PACKET_ADD_MEMBERSHIP" : "PACKET_DROP_MEMBERSHIP");
    } finally {
      release();
    }
  }

  private void acquire() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException("socket on " + interfaceName + " is closed");
      }
      inFlight++;
    }
  }

  private void release() {
    synchronized (lock) {
      inFlight--;
      if (closed && inFlight == 0) {
        releaseNative();
      }
    }
  }

  private void releaseNative() {
    if (!released) {
      released = true;
      Libc.close(fd);
      arena.close();
    }
  }

  private void check(Libc.Result result, String what) throws IOException {
    if (result.failed()) {
      throw error(what + " on " + interfaceName, result.errno());
    }
  }

  private static IOException error(String what, int errno) {
    return new IOException(what + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
  }

  /**
   * The interface this socket is bound to.
   *
   * @return the name
   */
  public String interfaceName() {
    return interfaceName;
  }

  /**
   * Closes the socket. A concurrent {@link #receive()} returns within the poll interval; the file
   * descriptor is released by the last call still using it, so its number is never reused under a
   * running call.
   */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (inFlight == 0) {
        releaseNative();
      }
    }
  }
}
