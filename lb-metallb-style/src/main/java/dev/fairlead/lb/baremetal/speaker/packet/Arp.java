package dev.fairlead.lb.baremetal.speaker.packet;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * IPv4 ARP over Ethernet (RFC 826, RFC 5227): parsing, the responder's rules and the frames the
 * speaker sends. Pure: bytes in, bytes out, so every rule is unit-tested with golden frames.
 *
 * <p>Rules for a received frame (MetalLB-compatible, see the bare-metal reference §9):
 *
 * <ol>
 *   <li>Ethernet II, EtherType 0x0806, HTYPE 1, PTYPE 0x0800, HLEN 6, PLEN 4, else {@link
 *       DropReason#MALFORMED};
 *   <li>only requests (OPER 1) are answered ({@link DropReason#NOT_A_REQUEST});
 *   <li>the Ethernet destination must be broadcast or the receiving interface's MAC ({@link
 *       DropReason#ETHERNET_DESTINATION});
 *   <li>an announcement (SPA = TPA, a gratuitous ARP from someone else) asks nothing ({@link
 *       DropReason#GRATUITOUS});
 *   <li>the target must be a VIP this node holds on this interface ({@link DropReason#NOT_OWNED}).
 * </ol>
 *
 * <p>ARP probes (SPA 0.0.0.0, RFC 5227 §2.1.1) for a held VIP are answered like any request: that is
 * how the holder defends the address against a host that wants to configure it.
 */
public final class Arp {
  /** EtherType of ARP. */
  public static final int ETHERTYPE = 0x0806;

  /** Request operation. */
  public static final int REQUEST = 1;

  /** Reply operation. */
  public static final int REPLY = 2;

  /** Ethernet header (14) plus the ARP payload for IPv4 over Ethernet (28). */
  static final int LENGTH = 42;

  /** Minimum Ethernet frame without the FCS; shorter frames are padded with zeros. */
  static final int MIN_FRAME = 60;

  private static final Inet4Address ANY = (Inet4Address) InetAddress.ofLiteral("0.0.0.0");

  private Arp() {}

  /**
   * The fields of an ARP packet for IPv4 over Ethernet.
   *
   * @param ethernetDestination Ethernet destination
   * @param ethernetSource Ethernet source
   * @param operation 1 request, 2 reply
   * @param senderMac SHA
   * @param senderIp SPA
   * @param targetMac THA
   * @param targetIp TPA
   */
  public record Packet(
      Mac ethernetDestination,
      Mac ethernetSource,
      int operation,
      Mac senderMac,
      Inet4Address senderIp,
      Mac targetMac,
      Inet4Address targetIp) {

    /**
     * Whether this is a probe (SPA 0.0.0.0).
     *
     * @return true for probes
     */
    public boolean isProbe() {
      return senderIp.equals(ANY);
    }
  }

  /**
   * Parses a frame.
   *
   * @param frame an Ethernet frame as read from an AF_PACKET socket
   * @return the packet, or empty if it is not IPv4-over-Ethernet ARP
   */
  public static Optional<Packet> parse(byte[] frame) {
    if (frame.length < LENGTH
        || u16(frame, 12) != ETHERTYPE
        || u16(frame, 14) != 1
        || u16(frame, 16) != 0x0800
        || frame[18] != 6
        || frame[19] != 4) {
      return Optional.empty();
    }
    return Optional.of(
        new Packet(
            Mac.read(frame, 0),
            Mac.read(frame, 6),
            u16(frame, 20),
            Mac.read(frame, 22),
            ipv4(frame, 28),
            Mac.read(frame, 32),
            ipv4(frame, 38)));
  }

  /**
   * Applies the responder rules to a received frame.
   *
   * @param frame the received frame
   * @param interfaceMac MAC of the interface the frame arrived on
   * @param held whether an IPv4 address is a VIP this node holds on that interface
   * @return the reply, or why there is none
   */
  public static Decision respond(byte[] frame, Mac interfaceMac, Predicate<InetAddress> held) {
    Optional<Packet> parsed = parse(frame);
    if (parsed.isEmpty()) {
      return new Decision.Drop(DropReason.MALFORMED);
    }
    Packet request = parsed.get();
    if (request.operation() != REQUEST) {
      return new Decision.Drop(DropReason.NOT_A_REQUEST);
    }
    if (!request.ethernetDestination().isBroadcast()
        && !request.ethernetDestination().equals(interfaceMac)) {
      return new Decision.Drop(DropReason.ETHERNET_DESTINATION);
    }
    if (request.senderIp().equals(request.targetIp())) {
      return new Decision.Drop(DropReason.GRATUITOUS);
    }
    if (!held.test(request.targetIp())) {
      return new Decision.Drop(DropReason.NOT_OWNED);
    }
    return new Decision.Reply(reply(request, interfaceMac));
  }

  /**
   * The unicast reply to a request: Ethernet to the requester's SHA, SHA = interface MAC, SPA = the
   * requested VIP, THA/TPA = the requester's SHA/SPA.
   *
   * @param request the request
   * @param interfaceMac MAC of the interface the request arrived on
   * @return the frame
   */
  public static byte[] reply(Packet request, Mac interfaceMac) {
    return frame(
        request.senderMac(),
        interfaceMac,
        REPLY,
        interfaceMac,
        request.targetIp(),
        request.senderMac(),
        request.senderIp());
  }

  /**
   * The gratuitous pair sent on takeover, both to Ethernet broadcast with SHA = interface MAC, SPA =
   * TPA = VIP, THA = broadcast: a request (what Linux and most stacks update their caches from) and a
   * reply (for stacks that only learn from replies).
   *
   * @param vip the VIP
   * @param interfaceMac the sending interface's MAC
   * @return request frame, then reply frame
   */
  public static byte[][] gratuitous(Inet4Address vip, Mac interfaceMac) {
    return new byte[][] {
      frame(Mac.BROADCAST, interfaceMac, REQUEST, interfaceMac, vip, Mac.BROADCAST, vip),
      frame(Mac.BROADCAST, interfaceMac, REPLY, interfaceMac, vip, Mac.BROADCAST, vip)
    };
  }

  /**
   * An ARP probe (RFC 5227 §2.1.1): broadcast request with SPA 0.0.0.0 and THA zero, asking whether
   * anybody already uses {@code vip}. A probe never updates anybody's cache.
   *
   * @param vip the address to check
   * @param interfaceMac the sending interface's MAC
   * @return the frame
   */
  public static byte[] probe(Inet4Address vip, Mac interfaceMac) {
    return frame(Mac.BROADCAST, interfaceMac, REQUEST, interfaceMac, ANY, Mac.ZERO, vip);
  }

  /**
   * An ARP request from a normal client (used by tests and the failover benchmark).
   *
   * @param senderMac the client's MAC
   * @param senderIp the client's address
   * @param target the address asked for
   * @return the frame
   */
  public static byte[] request(Mac senderMac, Inet4Address senderIp, Inet4Address target) {
    return frame(Mac.BROADCAST, senderMac, REQUEST, senderMac, senderIp, Mac.ZERO, target);
  }

  static byte[] frame(
      Mac ethDst, Mac ethSrc, int op, Mac sha, Inet4Address spa, Mac tha, Inet4Address tpa) {
    byte[] f = new byte[MIN_FRAME];
    ethDst.write(f, 0);
    ethSrc.write(f, 6);
    put16(f, 12, ETHERTYPE);
    put16(f, 14, 1);
    put16(f, 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f, 20, op);
    sha.write(f, 22);
    System.arraycopy(spa.getAddress(), 0, f, 28, 4);
    tha.write(f, 32);
    System.arraycopy(tpa.getAddress(), 0, f, 38, 4);
    return f;
  }

  static int u16(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
  }

  static void put16(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 8);
    b[offset + 1] = (byte) value;
  }

  private static Inet4Address ipv4(byte[] b, int offset) {
    try {
      return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, offset, offset + 4));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }
}
