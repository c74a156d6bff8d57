package dev.fairlead.lb.baremetal.speaker.packet;

import static dev.fairlead.lb.baremetal.speaker.packet.Frames.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Neighbor discovery rules and frame layouts. {@link #KERNEL_NS} and {@link #KERNEL_NA} were captured
 * with tcpdump ({@code [icmp6 sum ok]}) from ndisc6 and the Linux kernel in network namespaces.
 */
class NdpTest {
  static final Mac NODE = Mac.parse("02:00:00:00:00:01");
  static final Mac CLIENT = Mac.parse("02:00:00:00:00:99");
  static final Inet6Address VIP = (Inet6Address) InetAddress.ofLiteral("2001:db8::100");
  static final Inet6Address CLIENT_LL = (Inet6Address) InetAddress.ofLiteral("fe80::ff:fe00:99");
  static final Predicate<InetAddress> HELD = Set.<InetAddress>of(VIP)::contains;

  /** ndisc6 2001:db8::100 from 02:00:00:00:00:99 / fe80::ff:fe00:99 (multicast, with SLLA). */
  static final String KERNEL_NS = """
      3333ff000100 020000000099 86dd
      6002ddcf 0020 3a ff fe800000000000000000 00fffe000099 ff020000000000000000 0001ff000100
      87 00 4933 00000000 20010db8000000000000000000000100 01 01 020000000099
      """;

  /** The kernel's answer to it for its own address: S=1 O=1, source = target. */
  static final String KERNEL_NA = """
      020000000099 020000000001 86dd
      60000000 0020 3a ff 20010db8000000000000000000000100 fe800000000000000000 00fffe000099
      88 00 b816 60000000 20010db8000000000000000000000100 02 01 020000000001
      """;

  @Test
  void advertisementBuilderReproducesTheKernelFrameByteForByte() {
    byte[] ours = Ndp.advertisement(CLIENT, NODE, VIP, CLIENT_LL, VIP, 0x60);

    assertThat(hex(ours)).isEqualTo(hex(hex(KERNEL_NA)));
  }

  @Test
  void parsesTheKernelsSolicitationAndValidatesItsChecksum() {
    Ndp.Message ns = Ndp.parse(hex(KERNEL_NS)).orElseThrow();

    assertThat(ns.type()).isEqualTo(Ndp.NEIGHBOR_SOLICITATION);
    assertThat(ns.checksumValid()).isTrue();
    assertThat(ns.hopLimit()).isEqualTo(255);
    assertThat(ns.source()).isEqualTo(CLIENT_LL);
    assertThat(ns.destination()).isEqualTo(InetAddress.ofLiteral("ff02::1:ff00:100"));
    assertThat(ns.target()).isEqualTo(VIP);
    assertThat(ns.linkLayer()).contains(CLIENT);
  }

  @Test
  void answersMulticastSolicitationWithSolicitedAdvertisement() {
    Decision d = Ndp.respond(hex(KERNEL_NS), NODE, HELD);

    // What the kernel sends for its own address, but R=0 S=1 O=0 (flags 0x40 instead of 0x60: the
    // checksum goes up by 0x2000): unicast to the solicitor, source = VIP, TLLA = our MAC.
    assertThat(d).isInstanceOfSatisfying(Decision.Reply.class, r ->
        assertThat(hex(r.frame())).isEqualTo(hex(hex(KERNEL_NA.replace("b816 60000000", "d816 40000000")))));
  }

  @Test
  void answersUnicastNeighborUnreachabilityProbesWithoutSourceLinkLayerOption() {
    byte[] nud = nudProbe();

    Decision d = Ndp.respond(nud, NODE, HELD);

    assertThat(d).isInstanceOfSatisfying(Decision.Reply.class, r -> {
      Ndp.Message na = Ndp.parse(r.frame()).orElseThrow();
      assertThat(na.ethernetDestination()).isEqualTo(CLIENT); // from the Ethernet source
      assertThat(na.destination()).isEqualTo(CLIENT_LL);
      assertThat(na.source()).isEqualTo(VIP);
      assertThat(na.flags()).isEqualTo(0x40);
      assertThat(na.linkLayer()).contains(NODE);
    });
  }

  @Test
  void defendsAgainstDuplicateAddressDetectionWithAnAdvertisementToAllNodes() {
    byte[] dad = Ndp.duplicateAddressProbe(VIP, Mac.parse("02:00:00:00:00:77"));

    Decision d = Ndp.respond(dad, NODE, HELD);

    assertThat(d).isInstanceOfSatisfying(Decision.Reply.class, r ->
        assertThat(hex(r.frame())).isEqualTo(hex(Ndp.unsolicitedAdvertisement(VIP, NODE))));
  }

  @Test
  void unsolicitedAdvertisementGoesToAllNodesWithOverride() {
    byte[] frame = Ndp.unsolicitedAdvertisement(VIP, NODE);
    Ndp.Message na = Ndp.parse(frame).orElseThrow();

    assertThat(hex(frame)).startsWith("333300000001" + "020000000001" + "86dd");
    assertThat(na.destination()).isEqualTo(Ndp.ALL_NODES);
    assertThat(na.source()).isEqualTo(VIP);
    assertThat(na.hopLimit()).isEqualTo(255);
    assertThat(na.flags()).isEqualTo(0x20); // R=0 S=0 O=1
    assertThat(na.target()).isEqualTo(VIP);
    assertThat(na.linkLayer()).contains(NODE);
    assertThat(na.checksumValid()).isTrue();
  }

  @Test
  void duplicateAddressProbeComesFromUnspecifiedToTheSolicitedNodeGroup() {
    byte[] frame = Ndp.duplicateAddressProbe(VIP, NODE);
    Ndp.Message ns = Ndp.parse(frame).orElseThrow();

    assertThat(hex(frame)).startsWith("3333ff000100" + "020000000001" + "86dd");
    assertThat(frame).hasSize(14 + 40 + 24);
    assertThat(ns.source()).isEqualTo(Ndp.UNSPECIFIED);
    assertThat(ns.destination()).isEqualTo(InetAddress.ofLiteral("ff02::1:ff00:100"));
    assertThat(ns.linkLayer()).isEmpty();
    assertThat(ns.checksumValid()).isTrue();
  }

  @Test
  void clientSolicitationMatchesTheKernelsLayout() {
    byte[] ours = Ndp.solicit(CLIENT, CLIENT_LL, VIP);
    byte[] kernel = hex(KERNEL_NS);
    kernel[15] = 0; // the kernel sets a flow label; we do not
    kernel[16] = 0;
    kernel[17] = 0;
    kernel[56] = 0; // so the checksum differs only through the pseudo-header: recompute
    kernel[57] = 0;
    int sum = Ndp.checksum(CLIENT_LL, (Inet6Address) InetAddress.ofLiteral("ff02::1:ff00:100"),
        java.util.Arrays.copyOfRange(kernel, 54, kernel.length));
    kernel[56] = (byte) (sum >> 8);
    kernel[57] = (byte) sum;

    assertThat(hex(ours)).isEqualTo(hex(kernel));
  }

  @Test
  void dropsWhatMustNotBeAnswered() {
    assertThat(Ndp.respond(hex(KERNEL_NS), NODE, a -> false))
        .isEqualTo(new Decision.Drop(DropReason.NOT_OWNED));

    byte[] hop = hex(KERNEL_NS);
    hop[21] = 64;
    assertThat(Ndp.respond(hop, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.HOP_LIMIT));

    byte[] sum = hex(KERNEL_NS);
    sum[57] ^= 1;
    assertThat(Ndp.respond(sum, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.CHECKSUM));

    byte[] otherMac = hex(KERNEL_NS);
    Mac.parse("02:00:00:00:00:02").write(otherMac, 0);
    assertThat(Ndp.respond(otherMac, NODE, HELD))
        .isEqualTo(new Decision.Drop(DropReason.ETHERNET_DESTINATION));

    byte[] advert = Ndp.unsolicitedAdvertisement(VIP, Mac.parse("02:00:00:00:00:77"));
    assertThat(Ndp.respond(advert, NODE, HELD))
        .isEqualTo(new Decision.Drop(DropReason.NOT_A_SOLICITATION));

    assertThat(Ndp.respond(new byte[40], NODE, HELD))
        .isEqualTo(new Decision.Drop(DropReason.MALFORMED));
  }

  @Test
  void dropsSolicitationToTheWrongGroupAndInvalidDadProbes() {
    // NS for the VIP sent to another solicited-node group: not for us.
    byte[] wrongGroup = Ndp.solicit(CLIENT, CLIENT_LL, VIP);
    byte[] other = Ndp.solicit(CLIENT, CLIENT_LL, (Inet6Address) InetAddress.ofLiteral("2001:db8::1:200"));
    System.arraycopy(other, 38, wrongGroup, 38, 16); // IPv6 destination of the other
    fixChecksum(wrongGroup);
    assertThat(Ndp.respond(wrongGroup, NODE, HELD))
        .isEqualTo(new Decision.Drop(DropReason.IP_DESTINATION));

    // DAD probe (source ::) that carries a source link-layer option is invalid (RFC 4861 §7.1.1).
    byte[] dadWithOption = Ndp.solicit(CLIENT, Ndp.UNSPECIFIED, VIP);
    assertThat(Ndp.respond(dadWithOption, NODE, HELD))
        .isEqualTo(new Decision.Drop(DropReason.INVALID));
  }

  @Test
  void solicitedNodeGroupUsesTheLast24Bits() {
    assertThat(Ndp.solicitedNode((Inet6Address) InetAddress.ofLiteral("2001:db8::abcd:1234:5678")))
        .isEqualTo(InetAddress.ofLiteral("ff02::1:ff34:5678"));
    assertThat(Mac.ipv6Multicast(Ndp.solicitedNode(VIP).getAddress()))
        .isEqualTo(Mac.parse("33:33:ff:00:01:00"));
  }

  private static byte[] nudProbe() {
    // Unicast NS to the VIP itself, Ethernet to our MAC, no options (as Linux sends for NUD).
    byte[] icmp = hex("87 00 0000 00000000 20010db8000000000000000000000100");
    int sum = Ndp.checksum(CLIENT_LL, VIP, icmp);
    icmp[2] = (byte) (sum >> 8);
    icmp[3] = (byte) sum;
    return hex("020000000001 020000000099 86dd 60000000 0018 3a ff"
        + " fe800000000000000000 00fffe000099 20010db8000000000000000000000100" + hex(icmp));
  }

  private static void fixChecksum(byte[] frame) {
    frame[56] = 0;
    frame[57] = 0;
    Ndp.Message m = Ndp.parse(frame).orElseThrow();
    int sum = Ndp.checksum(m.source(), m.destination(),
        java.util.Arrays.copyOfRange(frame, 54, frame.length));
    frame[56] = (byte) (sum >> 8);
    frame[57] = (byte) sum;
  }
}
