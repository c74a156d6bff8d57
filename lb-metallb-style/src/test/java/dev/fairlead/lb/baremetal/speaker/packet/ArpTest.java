package dev.fairlead.lb.baremetal.speaker.packet;

import static dev.fairlead.lb.baremetal.speaker.packet.Frames.hex;
import static dev.fairlead.lb.baremetal.speaker.packet.Frames.pad;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * ARP rules and frame layouts against golden frames. The request and the expected reply fields were
 * captured with tcpdump from the Linux kernel and Habets' arping in network namespaces.
 */
class ArpTest {
  static final Mac NODE = Mac.parse("02:00:00:00:00:01");
  static final Inet4Address VIP = (Inet4Address) InetAddress.ofLiteral("192.0.2.100");
  static final Predicate<InetAddress> HELD = Set.<InetAddress>of(VIP)::contains;

  /** arping -I eth 192.0.2.100 from 02:00:00:00:00:99 / 192.0.2.2, as the kernel put it on the wire. */
  static final String REQUEST = """
      ffffffffffff 020000000099 0806
      0001 0800 06 04 0001 020000000099 c0000202 000000000000 c0000264
      """ + pad(18);

  @Test
  void answersBroadcastRequestForHeldVipWithUnicastReply() {
    Decision d = Arp.respond(hex(REQUEST), NODE, HELD);

    // The kernel's own reply for an address it owns has exactly these 42 bytes; we pad to 60.
    assertThat(d).isInstanceOfSatisfying(Decision.Reply.class, r -> assertThat(hex(r.frame()))
        .isEqualTo(hex(hex("""
            020000000099 020000000001 0806
            0001 0800 06 04 0002 020000000001 c0000264 020000000099 c0000202
            """ + pad(18)))));
  }

  @Test
  void answersRequestUnicastToThisInterface() {
    byte[] unicast = hex(REQUEST);
    NODE.write(unicast, 0);

    assertThat(Arp.respond(unicast, NODE, HELD)).isInstanceOf(Decision.Reply.class);
  }

  @Test
  void dropsRequestUnicastToAnotherMac() {
    byte[] other = hex(REQUEST);
    Mac.parse("02:00:00:00:00:02").write(other, 0);

    assertThat(Arp.respond(other, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.ETHERNET_DESTINATION));
  }

  @Test
  void neverAnswersReplies() {
    byte[] reply = hex(REQUEST);
    reply[21] = 2;

    assertThat(Arp.respond(reply, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.NOT_A_REQUEST));
  }

  @Test
  void neverAnswersForAddressesNotHeld() {
    assertThat(Arp.respond(hex(REQUEST), NODE, a -> false))
        .isEqualTo(new Decision.Drop(DropReason.NOT_OWNED));
  }

  @Test
  void ignoresSomebodyElsesGratuitousArp() {
    byte[] announcement = Arp.gratuitous(VIP, Mac.parse("02:00:00:00:00:77"))[0];

    assertThat(Arp.respond(announcement, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.GRATUITOUS));
  }

  @Test
  void dropsMalformedFrames() {
    byte[] shortFrame = new byte[30];
    byte[] ipv6Ptype = hex(REQUEST);
    ipv6Ptype[16] = (byte) 0x86;
    ipv6Ptype[17] = (byte) 0xdd;
    byte[] ipType = hex(REQUEST);
    ipType[13] = 0x00;

    assertThat(Arp.respond(shortFrame, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.MALFORMED));
    assertThat(Arp.respond(ipv6Ptype, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.MALFORMED));
    assertThat(Arp.respond(ipType, NODE, HELD)).isEqualTo(new Decision.Drop(DropReason.MALFORMED));
  }

  @Test
  void defendsAgainstArpProbesWithAReplyToTheProber() {
    byte[] probe = Arp.probe(VIP, Mac.parse("02:00:00:00:00:77"));

    assertThat(Arp.respond(probe, NODE, HELD)).isInstanceOfSatisfying(Decision.Reply.class, r ->
        assertThat(hex(r.frame())).isEqualTo(hex(hex("""
            020000000077 020000000001 0806
            0001 0800 06 04 0002 020000000001 c0000264 020000000077 00000000
            """ + pad(18)))));
  }

  @Test
  void gratuitousIsABroadcastRequestAndReplyWithSenderEqualsTarget() {
    byte[][] frames = Arp.gratuitous(VIP, NODE);

    assertThat(frames.length).isEqualTo(2);
    assertThat(hex(frames[0])).isEqualTo(hex(hex("""
        ffffffffffff 020000000001 0806
        0001 0800 06 04 0001 020000000001 c0000264 ffffffffffff c0000264
        """ + pad(18))));
    assertThat(hex(frames[1])).isEqualTo(hex(hex("""
        ffffffffffff 020000000001 0806
        0001 0800 06 04 0002 020000000001 c0000264 ffffffffffff c0000264
        """ + pad(18))));
  }

  @Test
  void probeHasZeroSenderAddressAndUnknownTargetMac() {
    assertThat(hex(Arp.probe(VIP, NODE))).isEqualTo(hex(hex("""
        ffffffffffff 020000000001 0806
        0001 0800 06 04 0001 020000000001 00000000 000000000000 c0000264
        """ + pad(18))));
    assertThat(Arp.parse(Arp.probe(VIP, NODE)).orElseThrow().isProbe()).isTrue();
  }

  @Test
  void parsesTheFields() {
    Arp.Packet p = Arp.parse(hex(REQUEST)).orElseThrow();

    assertThat(p.operation()).isEqualTo(Arp.REQUEST);
    assertThat(p.senderMac()).isEqualTo(Mac.parse("02:00:00:00:00:99"));
    assertThat(p.senderIp()).isEqualTo(InetAddress.ofLiteral("192.0.2.2"));
    assertThat(p.targetIp()).isEqualTo(VIP);
    assertThat(p.ethernetDestination().isBroadcast()).isTrue();
  }
}
