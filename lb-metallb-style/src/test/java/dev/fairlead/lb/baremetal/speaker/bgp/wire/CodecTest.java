package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.Cidr;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec against bytes FRRouting 8.4.4 produced (src/test/resources/bgp), against FRR's own
 * verdicts on malformed messages, and round trips of everything the speaker sends.
 */
class CodecTest {
  private static final HexFormat HEX = HexFormat.of();

  private static BgpMessage decode(Codec codec, byte[] bytes) throws MessageError {
    return codec.decode(bytes);
  }

  @Test
  void decodesFrrsOpenWithItsManyCapabilities() throws MessageError {
    Open open = (Open) decode(Codec.BEFORE_OPEN, Captures.message("open-restarting"));

    assertThat(open.version()).isEqualTo(4);
    assertThat(open.myAs()).isEqualTo(64512);
    assertThat(open.asn()).isEqualTo(64512);
    assertThat(open.holdTime()).isEqualTo(3);
    assertThat(open.routerId()).isEqualTo("192.0.2.1");
    assertThat(open.families()).containsExactlyInAnyOrder(Family.IPV4_UNICAST, Family.IPV6_UNICAST);
    assertThat(open.fourOctetAs()).isTrue();
    assertThat(open.routeRefresh()).isTrue();
    assertThat(open.gracefulRestart()).contains(
        new Capability.GracefulRestart(true, true, 120, List.of()));
    // Enhanced route refresh (70), extended message (6), ADD-PATH (69), FQDN (73), long-lived GR
    // (71) and the old route-refresh code (128) are tolerated, not understood.
    assertThat(open.capabilities()).filteredOn(Capability.Unknown.class::isInstance)
        .extracting(c -> ((Capability.Unknown) c).code())
        .containsExactlyInAnyOrder(128, 70, 6, 69, 73, 71);
  }

  @Test
  void aLongRunningFrrAdvertisesOnlyTheNotificationBit() throws MessageError {
    Open open = (Open) decode(Codec.BEFORE_OPEN, Captures.message("open-steady"));

    assertThat(open.gracefulRestart()).contains(
        new Capability.GracefulRestart(false, true, 120, List.of()));
  }

  @Test
  void decodesFrrsIpv4UpdateWithExtendedLengthFlagOnAShortAttribute() throws MessageError {
    Update update = (Update) decode(Codec.FOUR_OCTET, Captures.message("update-ipv4"));

    assertThat(update.treatAsWithdraw()).isEmpty();
    assertThat(update.nlri()).containsExactly(Cidr.parse("203.0.113.0/24"));
    assertThat(update.withdrawn()).isEmpty();
    assertThat(update.attribute(PathAttribute.Origin.class)).contains(PathAttribute.Origin.IGP);
    assertThat(update.attribute(PathAttribute.AsPath.class)).contains(new PathAttribute.AsPath(
        List.of(new PathAttribute.AsSegment(2, List.of(64512L)))));
    assertThat(update.attribute(PathAttribute.NextHop.class))
        .contains(new PathAttribute.NextHop(InetAddress.ofLiteral("192.0.2.1")));
    assertThat(update.attribute(PathAttribute.MultiExitDisc.class))
        .contains(new PathAttribute.MultiExitDisc(0));
  }

  @Test
  void decodesFrrsIpv6UpdateWithGlobalAndLinkLocalNextHop() throws MessageError {
    Update update = (Update) decode(Codec.FOUR_OCTET, Captures.message("update-ipv6"));

    PathAttribute.MpReach reach = update.attribute(PathAttribute.MpReach.class).orElseThrow();
    assertThat(reach.afi()).isEqualTo(2);
    assertThat(reach.safi()).isEqualTo(1);
    assertThat(reach.nextHops()).containsExactly(InetAddress.ofLiteral("2001:db8:1::1"),
        InetAddress.ofLiteral("fe80::e8e6:8aff:fef3:9fe7"));
    assertThat(reach.nlri()).containsExactly(Cidr.parse("2001:db8:c::/64"));
    assertThat(update.attributes().getFirst()).isInstanceOf(PathAttribute.MpReach.class);
    assertThat(update.treatAsWithdraw()).isEmpty();
    assertThat(update.nlri()).isEmpty();
  }

  @Test
  void decodesKeepaliveAndShutdownCommunication() throws MessageError {
    assertThat(decode(Codec.FOUR_OCTET, Captures.message("keepalive")))
        .isEqualTo(new BgpMessage.Keepalive());
    Notification n = (Notification) decode(Codec.FOUR_OCTET, Captures.message("notification-shutdown"));
    assertThat(n.code()).isEqualTo(Notification.CEASE);
    assertThat(n.subcode()).isEqualTo(Notification.ADMINISTRATIVE_SHUTDOWN);
    assertThat(n.shutdownCommunication()).contains("maintenance window");
    assertThat(n.describe()).isEqualTo("Cease/Administrative Shutdown \"maintenance window\"");
  }

  @Test
  void everyFrrMessageSurvivesARoundTripThroughTheRecords() throws MessageError {
    for (var e : Captures.messages().entrySet()) {
      BgpMessage decoded = decode(Codec.FOUR_OCTET, e.getValue());
      BgpMessage again = decode(Codec.FOUR_OCTET, Codec.FOUR_OCTET.encode(decoded));
      assertThat(again).as(e.getKey()).isEqualTo(decoded);
    }
  }

  @Test
  void ourShutdownNotificationIsByteForByteWhatFrrSends() {
    assertThat(Codec.FOUR_OCTET.encode(
        Notification.cease(Notification.ADMINISTRATIVE_SHUTDOWN, "maintenance window")))
        .isEqualTo(Captures.message("notification-shutdown"));
  }

  static Stream<Arguments> frrVerdicts() {
    return Captures.lines("frr-8.4.4-verdicts.txt").stream()
        .map(l -> Arguments.of(l[0], l[1], l.length > 2 && l[2].equals("code-only")));
  }

  /** For the same malformed bytes, the codec chooses the NOTIFICATION FRR chose. */
  @ParameterizedTest
  @MethodSource("frrVerdicts")
  void malformedMessagesGetTheNotificationFrrSends(String sent, String verdict, boolean codeOnly) {
    byte[] message = HEX.parseHex(sent);
    byte[] expected = HEX.parseHex(verdict);
    Notification n = verdict(message);
    assertThat(n.code()).isEqualTo(expected[0] & 0xff);
    assertThat(n.subcode()).isEqualTo(expected[1] & 0xff);
    if (!codeOnly) {
      assertThat(HEX.formatHex(n.data())).isEqualTo(HEX.formatHex(expected, 2, expected.length));
    }
  }

  /** What a session does with a received message: frame check, then decode. */
  static Notification verdict(byte[] message) {
    try {
      Codec.frameLength(Arrays.copyOf(message, Codec.HEADER_LENGTH));
      Codec.FOUR_OCTET.decode(message);
    } catch (MessageError e) {
      return e.notification();
    }
    throw new AssertionError("accepted " + HEX.formatHex(message));
  }

  /** A message with a correct header around {@code bodyHex}. */
  static String frame(int type, String bodyHex) {
    int length = Codec.HEADER_LENGTH + bodyHex.length() / 2;
    return "ff".repeat(16) + String.format("%04x%02x", length, type) + bodyHex;
  }

  static Stream<Arguments> malformed() {
    String ipv4Path = "40010100" + "400200" + "40030401020304";
    return Stream.of(
        // withdrawn-routes length overruns the message -> Malformed Attribute List
        Arguments.of(frame(2, "0009" + "0000"), 3, 1),
        // total path attribute length overruns -> Malformed Attribute List
        Arguments.of(frame(2, "0000" + "00ff"), 3, 1),
        // an unknown attribute flagged well-known -> Unrecognized Well-known Attribute
        Arguments.of(frame(2, "0000" + "0004" + "40630100"), 3, 2),
        // MP_REACH_NLRI with a 5-octet IPv6 next hop -> Optional Attribute Error
        Arguments.of(frame(2, "0000" + "000c" + "800e09" + "00020105" + "0102030405" + "00"), 3, 9),
        // MP_UNREACH_NLRI twice -> Malformed Attribute List
        Arguments.of(frame(2, "0000" + "000c" + "800f03000201" + "800f03000201"), 3, 1),
        // IPv4 NLRI truncated (a /24 with two address octets) -> Invalid Network Field
        Arguments.of(frame(2, "0000" + "000e" + ipv4Path + "18cb00"), 3, 10),
        // an attribute header cut after the type -> Malformed Attribute List
        Arguments.of(frame(2, "0000" + "0002" + "4001"), 3, 1),
        // NOTIFICATION shorter than 21 octets -> Bad Message Length
        Arguments.of(frame(3, "06"), 1, 2),
        // ROUTE-REFRESH of 24 octets -> Bad Message Length
        Arguments.of(frame(5, "0001000100"), 1, 2),
        // OPEN optional parameter of type 1 (authentication, deprecated) -> Unsupported Optional Parameter
        Arguments.of(frame(1, "04fc010003c0000202" + "03" + "010100"), 2, 4),
        // OPEN optional-parameters length disagrees with the message -> OPEN Message Error
        Arguments.of(frame(1, "04fc010003c0000202" + "05"), 2, 0),
        // OPEN capability overrunning its parameter -> OPEN Message Error
        Arguments.of(frame(1, "04fc010003c0000202" + "04" + "0202" + "0109"), 2, 0));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void structuralErrorsResetTheSessionWithTheRightNotification(String hex, int code, int subcode) {
    Notification n = verdict(HEX.parseHex(hex));
    assertThat(n.code()).as(n.describe()).isEqualTo(code);
    assertThat(n.subcode()).as(n.describe()).isEqualTo(subcode);
  }

  static Stream<Arguments> treatAsWithdraw() {
    String path = "400200" + "40030401020304";
    String nlri = "18cb0071";
    return Stream.of(
        Arguments.of(frame(2, "0000" + "000e" + "40010105" + path + nlri), "ORIGIN 5"),
        Arguments.of(frame(2, "0000" + "000f" + "4001020000" + path + nlri), "length 2"),
        Arguments.of(frame(2, "0000" + "000e" + "c0010100" + path + nlri), "flags"),
        Arguments.of(frame(2, "0000" + "0007" + "40010100" + "400200" + nlri), "NEXT_HOP"),
        Arguments.of(frame(2, "0000" + "0014" + "40010100" + path + "c00803" + "000102" + nlri),
            "COMMUNITIES"),
        Arguments.of(frame(2, "0000" + "0012" + "40010100" + "400204020100fc" + "40030401020304"
            + nlri), "AS_PATH"));
  }

  /** RFC 7606: a bad attribute value in an intact frame withdraws the routes, no reset. */
  @ParameterizedTest
  @MethodSource("treatAsWithdraw")
  void attributeValueErrorsAreTreatAsWithdraw(String hex, String reason) throws MessageError {
    Update update = (Update) Codec.FOUR_OCTET.decode(HEX.parseHex(hex));
    assertThat(update.treatAsWithdraw()).as(reason).isPresent();
    assertThat(update.treatAsWithdraw().get()).containsIgnoringCase(reason);
  }

  @Test
  void ourOpenRoundTripsWithEveryCapabilityTheSpeakerSends() throws MessageError {
    Open open = new Open(4, Open.AS_TRANS, 90, 0xC0000202L, List.of(
        Capability.Multiprotocol.of(Family.IPV4_UNICAST),
        Capability.Multiprotocol.of(Family.IPV6_UNICAST),
        new Capability.RouteRefresh(),
        new Capability.FourOctetAs(4_200_000_000L),
        new Capability.GracefulRestart(true, true, 120, List.of(
            new Capability.GracefulFamily(1, 1, true), new Capability.GracefulFamily(2, 1, true)))));

    byte[] bytes = Codec.BEFORE_OPEN.encode(open);

    assertThat(decode(Codec.BEFORE_OPEN, bytes)).isEqualTo(open);
    assertThat(((Open) decode(Codec.BEFORE_OPEN, bytes)).asn()).isEqualTo(4_200_000_000L);
    // One optional parameter holding all capabilities; R and N bits and 120 s in one field.
    assertThat(HEX.formatHex(bytes)).contains("40" + "0a" + "c078" + "00010180" + "00020180");
  }

  @Test
  void updatesRoundTripWithMpReachCommunitiesAndLargeCommunities() throws MessageError {
    Update update = new Update(List.of(Cidr.parse("198.51.100.9/32")), List.of(
        PathAttribute.Origin.IGP,
        new PathAttribute.AsPath(List.of(new PathAttribute.AsSegment(2, List.of(64513L)))),
        new PathAttribute.Communities(List.of(0xFDE8_0001L, 0xFFFF_FF01L)),
        new PathAttribute.LargeCommunities(List.of(new PathAttribute.LargeCommunity(64513, 1, 2))),
        new PathAttribute.MpReach(2, 1, List.of(InetAddress.ofLiteral("2001:db8:1::2")),
            List.of(Cidr.parse("2001:db8:ff::10/128"), Cidr.parse("2001:db8:ff::/64")))),
        List.of());

    assertThat(decode(Codec.FOUR_OCTET, Codec.FOUR_OCTET.encode(update))).isEqualTo(update);
  }

  @Test
  void aTwoOctetPeerGetsAsTransAndTheRealPathInAs4Path() throws MessageError {
    PathAttribute.AsPath path = new PathAttribute.AsPath(
        List.of(new PathAttribute.AsSegment(2, List.of(4_200_000_000L))));
    Update update = new Update(List.of(), List.of(PathAttribute.Origin.IGP, path,
        new PathAttribute.NextHop(InetAddress.ofLiteral("192.0.2.2"))),
        List.of(Cidr.parse("198.51.100.10/32")));

    Update seenByOldPeer = (Update) decode(Codec.TWO_OCTET, Codec.TWO_OCTET.encode(update));

    assertThat(seenByOldPeer.attribute(PathAttribute.AsPath.class)).contains(new PathAttribute.AsPath(
        List.of(new PathAttribute.AsSegment(2, List.of((long) Open.AS_TRANS)))));
    assertThat(seenByOldPeer.attribute(PathAttribute.As4Path.class))
        .contains(new PathAttribute.As4Path(path.segments()));
  }

  @Test
  void endOfRibMarkers() throws MessageError {
    Update v4 = (Update) decode(Codec.FOUR_OCTET, Codec.FOUR_OCTET.encode(Update.endOfRib(Family.IPV4_UNICAST)));
    Update v6 = (Update) decode(Codec.FOUR_OCTET, Codec.FOUR_OCTET.encode(Update.endOfRib(Family.IPV6_UNICAST)));

    assertThat(v4.endOfRib()).isTrue();
    assertThat(v6.endOfRib()).isTrue();
    assertThat(Codec.FOUR_OCTET.encode(Update.endOfRib(Family.IPV4_UNICAST))).hasSize(23);
  }

  @Test
  void attributesLongerThan255OctetsUseTheExtendedLength() throws MessageError {
    List<Long> many = java.util.stream.LongStream.range(0, 100).boxed().toList();
    Update update = new Update(List.of(), List.of(PathAttribute.Origin.IGP,
        new PathAttribute.AsPath(List.of()), new PathAttribute.NextHop(InetAddress.ofLiteral("192.0.2.2")),
        new PathAttribute.Communities(many)), List.of(Cidr.parse("198.51.100.0/24")));

    byte[] bytes = Codec.FOUR_OCTET.encode(update);

    assertThat(HEX.formatHex(bytes)).contains("d0080190"); // flags 0xD0, type 8, length 400
    assertThat(decode(Codec.FOUR_OCTET, bytes)).isEqualTo(update);
  }

  @Test
  void messagesOverTheLimitAreRefusedRatherThanSent() {
    List<Cidr> prefixes = java.util.stream.IntStream.range(0, 900)
        .mapToObj(i -> new Cidr(InetAddress.ofLiteral("10." + (i / 256) + "." + (i % 256) + ".1"), 32))
        .toList();
    Update tooBig = new Update(prefixes, List.of(), List.of());

    assertThat(Codec.FOUR_OCTET.updateLength(tooBig)).isGreaterThan(Codec.MAX_LENGTH);
    assertThatThrownBy(() -> Codec.FOUR_OCTET.encode(tooBig))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4096");
  }

  @Test
  void shutdownCommunicationIsTruncatedOnACharacterBoundary() {
    Notification n = Notification.cease(Notification.ADMINISTRATIVE_RESET, "é".repeat(200));

    assertThat(n.data()[0] & 0xff).isEqualTo(254);
    assertThat(n.shutdownCommunication()).contains("é".repeat(127));
    assertThat(Notification.cease(Notification.HARD_RESET, "x").data()).isEmpty();
    assertThat(Optional.of(Notification.of(4, 0).describe())).contains("Hold Timer Expired");
  }
}
