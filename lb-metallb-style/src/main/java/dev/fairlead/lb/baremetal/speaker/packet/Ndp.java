package dev.fairlead.lb.baremetal.speaker.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * IPv6 neighbor discovery over Ethernet (RFC 4861, RFC 4862 §5.4): parsing, the responder's rules and
 * the frames the speaker sends, with the ICMPv6 checksum computed here. Pure: bytes in, bytes out.
 *
 * <p>Rules for a received neighbor solicitation (NS):
 *
 * <ol>
 *   <li>Ethernet II, EtherType 0x86DD, IPv6 next header 58 (no extension headers), else {@link
 *       DropReason#MALFORMED}; ICMPv6 type 135 else {@link DropReason#NOT_A_SOLICITATION};
 *   <li>Ethernet destination is the interface MAC or an IPv6 multicast MAC ({@link
 *       DropReason#ETHERNET_DESTINATION});
 *   <li>the validity checks of RFC 4861 §7.1.1: hop limit 255 ({@link DropReason#HOP_LIMIT}), checksum
 *       ({@link DropReason#CHECKSUM}), code 0, ICMP length at least 24, target not multicast, no
 *       zero-length option, and for source {@code ::} a solicited-node destination and no source
 *       link-layer option ({@link DropReason#INVALID});
 *   <li>the IPv6 destination is the target itself (unicast neighbor unreachability detection) or the
 *       target's solicited-node group ({@link DropReason#IP_DESTINATION});
 *   <li>the target is a VIP this node holds on this interface ({@link DropReason#NOT_OWNED}).
 * </ol>
 *
 * <p>Answers (IPv6 source = the VIP itself, as the Linux kernel does for its own addresses; MetalLB
 * uses the interface's link-local address instead, which some tools such as ndisc6 ignore):
 *
 * <ul>
 *   <li>NS from a unicast source, multicast (address resolution) or unicast (NUD): a solicited
 *       neighbor advertisement (NA) to the NS source, R=0 S=1 O=0, Target Link-Layer Address = the
 *       interface MAC. The Ethernet destination is the Source Link-Layer Address option when present,
 *       else the Ethernet source of the NS: NUD probes usually carry no such option and MetalLB leaves
 *       them unanswered (its issue #2920), so peers drop the neighbor every few minutes; we answer.
 *   <li>NS from {@code ::}, a duplicate address detection probe by a host that wants to configure one
 *       of our VIPs: we defend the address the way the kernel defends its own (RFC 4861 §7.2.4) with
 *       an NA to all-nodes ff02::1, S=0 O=1. The other host's DAD then fails and it does not start
 *       using the VIP; the speaker also counts and reports it as an address conflict. The same holds
 *       for a new owner's own DAD probe during a hand-over: the old owner's answer is harmless, the
 *       new owner's unsolicited NA (O=1) follows it.
 * </ul>
 */
public final class Ndp {
  /** EtherType of IPv6. */
  public static final int ETHERTYPE = 0x86DD;

  /** ICMPv6 neighbor solicitation. */
  public static final int NEIGHBOR_SOLICITATION = 135;

  /** ICMPv6 neighbor advertisement. */
  public static final int NEIGHBOR_ADVERTISEMENT = 136;

  /** IPv6 all-nodes multicast ff02::1. */
  public static final Inet6Address ALL_NODES = (Inet6Address) InetAddress.ofLiteral("ff02::1");

  /** The unspecified address ::. */
  public static final Inet6Address UNSPECIFIED = (Inet6Address) InetAddress.ofLiteral("::");

  private static final int IP = 14;
  private static final int ICMP = IP + 40;
  private static final int OPTION_SOURCE_LL = 1;
  private static final int OPTION_TARGET_LL = 2;
  private static final int FLAG_SOLICITED = 0x40;
  private static final int FLAG_OVERRIDE = 0x20;

  private Ndp() {}

  /**
   * A parsed NS or NA.
   *
   * @param ethernetDestination Ethernet destination
   * @param ethernetSource Ethernet source
   * @param hopLimit IPv6 hop limit
   * @param source IPv6 source
   * @param destination IPv6 destination
   * @param type ICMPv6 type (135 or 136)
   * @param code ICMPv6 code
   * @param flags NA flags byte (R 0x80, S 0x40, O 0x20), 0 for NS
   * @param target the target address
   * @param linkLayer the source (NS) or target (NA) link-layer address option, if any
   * @param checksumValid whether the ICMPv6 checksum matches
   * @param optionsValid whether every option has a non-zero length
   * @param icmpLength ICMPv6 message length from the IPv6 header
   */
  public record Message(
      Mac ethernetDestination,
      Mac ethernetSource,
      int hopLimit,
      Inet6Address source,
      Inet6Address destination,
      int type,
      int code,
      int flags,
      Inet6Address target,
      Optional<Mac> linkLayer,
      boolean checksumValid,
      boolean optionsValid,
      int icmpLength) {

    /**
     * The link-layer address of whoever sent this: the option if present, else the Ethernet source.
     *
     * @return the sender's MAC
     */
    public Mac senderMac() {
      return linkLayer.orElse(ethernetSource);
    }
  }

  /**
   * Parses an NS or NA frame.
   *
   * @param frame an Ethernet frame
   * @return the message, or empty if it is not an ICMPv6 NS/NA without extension headers
   */
  public static Optional<Message> parse(byte[] frame) {
    if (frame.length < ICMP + 24 || Arp.u16(frame, 12) != ETHERTYPE || (frame[IP] & 0xf0) != 0x60
        || (frame[IP + 6] & 0xff) != 58) {
      return Optional.empty();
    }
    int payload = Arp.u16(frame, IP + 4);
    int type = frame[ICMP] & 0xff;
    if (payload < 24 || ICMP + payload > frame.length
        || (type != NEIGHBOR_SOLICITATION && type != NEIGHBOR_ADVERTISEMENT)) {
      return Optional.empty();
    }
    Inet6Address source = ipv6(frame, IP + 8);
    Inet6Address destination = ipv6(frame, IP + 24);
    int wantedOption = type == NEIGHBOR_SOLICITATION ? OPTION_SOURCE_LL : OPTION_TARGET_LL;
    Optional<Mac> linkLayer = Optional.empty();
    boolean optionsValid = true;
    int at = ICMP + 24;
    int end = ICMP + payload;
    while (at + 2 <= end) {
      int optionType = frame[at] & 0xff;
      int optionLength = (frame[at + 1] & 0xff) * 8;
      if (optionLength == 0 || at + optionLength > end) {
        optionsValid = false;
        break;
      }
      if (optionType == wantedOption && optionLength >= 8) {
        linkLayer = Optional.of(Mac.read(frame, at + 2));
      }
      at += optionLength;
    }
    byte[] icmp = Arrays.copyOfRange(frame, ICMP, end);
    return Optional.of(
        new Message(
            Mac.read(frame, 0),
            Mac.read(frame, 6),
            frame[IP + 7] & 0xff,
            source,
            destination,
            type,
            frame[ICMP + 1] & 0xff,
            type == NEIGHBOR_ADVERTISEMENT ? frame[ICMP + 4] & 0xff : 0,
            ipv6(frame, ICMP + 8),
            linkLayer,
            checksum(source, destination, icmp) == 0,
            optionsValid,
            payload));
  }

  /**
   * Applies the responder rules to a received frame.
   *
   * @param frame the received frame
   * @param interfaceMac MAC of the interface the frame arrived on
   * @param held whether an IPv6 address is a VIP this node holds on that interface
   * @return the advertisement to send, or why there is none
   */
  public static Decision respond(byte[] frame, Mac interfaceMac, Predicate<InetAddress> held) {
    Optional<Message> parsed = parse(frame);
    if (parsed.isEmpty()) {
      return new Decision.Drop(
          Arp.u16(frame, 12) == ETHERTYPE && frame.length > ICMP && (frame[IP + 6] & 0xff) == 58
              ? DropReason.NOT_A_SOLICITATION
              : DropReason.MALFORMED);
    }
    Message ns = parsed.get();
    if (ns.type() != NEIGHBOR_SOLICITATION) {
      return new Decision.Drop(DropReason.NOT_A_SOLICITATION);
    }
    Mac ethDst = ns.ethernetDestination();
    boolean ipv6MulticastMac = (ethDst.value()[0] & 0xff) == 0x33 && (ethDst.value()[1] & 0xff) == 0x33;
    if (!ethDst.equals(interfaceMac) && !ipv6MulticastMac) {
      return new Decision.Drop(DropReason.ETHERNET_DESTINATION);
    }
    if (ns.hopLimit() != 255) {
      return new Decision.Drop(DropReason.HOP_LIMIT);
    }
    if (!ns.checksumValid()) {
      return new Decision.Drop(DropReason.CHECKSUM);
    }
    boolean dad = ns.source().equals(UNSPECIFIED);
    Inet6Address group = solicitedNode(ns.target());
    if (ns.code() != 0
        || ns.target().isMulticastAddress()
        || !ns.optionsValid()
        || (dad && (!ns.destination().equals(group) || ns.linkLayer().isPresent()))) {
      return new Decision.Drop(DropReason.INVALID);
    }
    if (!ns.destination().equals(ns.target()) && !ns.destination().equals(group)) {
      return new Decision.Drop(DropReason.IP_DESTINATION);
    }
    if (!held.test(ns.target())) {
      return new Decision.Drop(DropReason.NOT_OWNED);
    }
    if (dad) {
      return new Decision.Reply(unsolicitedAdvertisement(ns.target(), interfaceMac));
    }
    return new Decision.Reply(
        advertisement(
            ns.senderMac(), interfaceMac, ns.target(), ns.source(), ns.target(), FLAG_SOLICITED));
  }

  /**
   * The unsolicited NA sent on takeover: to all-nodes ff02::1, R=0 S=0 O=1, Target Link-Layer
   * Address = interface MAC, so neighbors replace a cached entry that still points to the old owner.
   *
   * @param vip the VIP
   * @param interfaceMac the sending interface's MAC
   * @return the frame
   */
  public static byte[] unsolicitedAdvertisement(Inet6Address vip, Mac interfaceMac) {
    return advertisement(
        Mac.ipv6Multicast(ALL_NODES.getAddress()), interfaceMac, vip, ALL_NODES, vip,
        FLAG_OVERRIDE);
  }

  /**
   * A duplicate address detection probe (RFC 4862 §5.4.2): NS from {@code ::} to the solicited-node
   * group of {@code vip}, no options. Whoever already uses the address answers with an NA.
   *
   * @param vip the address to check
   * @param interfaceMac the sending interface's MAC
   * @return the frame
   */
  public static byte[] duplicateAddressProbe(Inet6Address vip, Mac interfaceMac) {
    Inet6Address group = solicitedNode(vip);
    return solicitation(Mac.ipv6Multicast(group.getAddress()), interfaceMac, UNSPECIFIED, group, vip,
        Optional.empty());
  }

  /**
   * An address-resolution NS from a normal client (tests and the failover benchmark).
   *
   * @param senderMac the client's MAC (also sent as Source Link-Layer Address option)
   * @param senderIp the client's address
   * @param target the address asked for
   * @return the frame
   */
  public static byte[] solicit(Mac senderMac, Inet6Address senderIp, Inet6Address target) {
    Inet6Address group = solicitedNode(target);
    return solicitation(Mac.ipv6Multicast(group.getAddress()), senderMac, senderIp, group, target,
        Optional.of(senderMac));
  }

  /**
   * The solicited-node multicast group of an address: ff02::1:ff and its last 24 bits.
   *
   * @param address any IPv6 address
   * @return the group
   */
  public static Inet6Address solicitedNode(Inet6Address address) {
    byte[] a = address.getAddress();
    byte[] g = new byte[16];
    g[0] = (byte) 0xff;
    g[1] = 0x02;
    g[11] = 0x01;
    g[12] = (byte) 0xff;
    g[13] = a[13];
    g[14] = a[14];
    g[15] = a[15];
    return toInet6(g);
  }

  /**
   * The Internet checksum of an ICMPv6 message with its IPv6 pseudo-header (RFC 4443 §2.3). Over a
   * message whose checksum field is filled in correctly the result is 0.
   *
   * @param source IPv6 source
   * @param destination IPv6 destination
   * @param icmp the ICMPv6 message
   * @return the 16-bit checksum
   */
  public static int checksum(Inet6Address source, Inet6Address destination, byte[] icmp) {
    long sum = 0;
    sum += sum16(source.getAddress());
    sum += sum16(destination.getAddress());
    sum += icmp.length >>> 16;
    sum += icmp.length & 0xffff;
    sum += 58;
    sum += sum16(icmp);
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static long sum16(byte[] data) {
    long sum = 0;
    for (int i = 0; i + 1 < data.length; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if ((data.length & 1) != 0) {
      sum += (data[data.length - 1] & 0xff) << 8;
    }
    return sum;
  }

  static byte[] advertisement(
      Mac ethDst, Mac ethSrc, Inet6Address source, Inet6Address destination, Inet6Address target,
      int flags) {
    byte[] icmp = new byte[32];
    icmp[0] = (byte) NEIGHBOR_ADVERTISEMENT;
    icmp[4] = (byte) flags;
    System.arraycopy(target.getAddress(), 0, icmp, 8, 16);
    icmp[24] = OPTION_TARGET_LL;
    icmp[25] = 1;
    ethSrc.write(icmp, 26);
    return packet(ethDst, ethSrc, source, destination, icmp);
  }

  private static byte[] solicitation(
      Mac ethDst, Mac ethSrc, Inet6Address source, Inet6Address destination, Inet6Address target,
      Optional<Mac> sourceLinkLayer) {
    byte[] icmp = new byte[sourceLinkLayer.isPresent() ? 32 : 24];
    icmp[0] = (byte) NEIGHBOR_SOLICITATION;
    System.arraycopy(target.getAddress(), 0, icmp, 8, 16);
    sourceLinkLayer.ifPresent(mac -> {
      icmp[24] = OPTION_SOURCE_LL;
      icmp[25] = 1;
      mac.write(icmp, 26);
    });
    return packet(ethDst, ethSrc, source, destination, icmp);
  }

  private static byte[] packet(
      Mac ethDst, Mac ethSrc, Inet6Address source, Inet6Address destination, byte[] icmp) {
    int sum = checksum(source, destination, icmp);
    Arp.put16(icmp, 2, sum);
    byte[] f = new byte[ICMP + icmp.length];
    ethDst.write(f, 0);
    ethSrc.write(f, 6);
    Arp.put16(f, 12, ETHERTYPE);
    f[IP] = 0x60;
    Arp.put16(f, IP + 4, icmp.length);
    f[IP + 6] = 58;
    f[IP + 7] = (byte) 255;
    System.arraycopy(source.getAddress(), 0, f, IP + 8, 16);
    System.arraycopy(destination.getAddress(), 0, f, IP + 24, 16);
    System.arraycopy(icmp, 0, f, ICMP, icmp.length);
    return f;
  }

  private static Inet6Address ipv6(byte[] b, int offset) {
    return toInet6(Arrays.copyOfRange(b, offset, offset + 16));
  }

  private static Inet6Address toInet6(byte[] sixteen) {
    try {
      return Inet6Address.getByAddress(null, sixteen, null);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // sixteen bytes are always an address
    }
  }
}
