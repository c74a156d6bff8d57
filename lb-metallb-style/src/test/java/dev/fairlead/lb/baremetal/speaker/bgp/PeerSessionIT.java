package dev.fairlead.lb.baremetal.speaker.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Action;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Negotiated;
import dev.fairlead.lb.baremetal.speaker.bgp.session.RouteAttributes;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Session;
import dev.fairlead.lb.baremetal.speaker.bgp.session.SessionConfig;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.BgpMessage;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Notification;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Open;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.PathAttribute;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Update;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The session runtime over real TCP on loopback against a scripted peer: routes and End-of-RIB go
 * out, keepalives flow, the hold timer fires, and malformed or unexpected input from the peer is
 * answered with the right NOTIFICATION while the speaker keeps running.
 */
@Timeout(60)
class PeerSessionIT {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  final List<Object> events = new CopyOnWriteArrayList<>();
  final FakePeer peer = new FakePeer();
  PeerSession session;

  final PeerSession.Listener listener = new PeerSession.Listener() {
    @Override
    public void up(PeerSession s, Negotiated negotiated) {
      events.add(negotiated);
    }

    @Override
    public void down(PeerSession s, Action.Down down) {
      events.add(down);
    }

    @Override
    public void sent(PeerSession s, BgpMessage message) {
    }

    @Override
    public void warn(PeerSession s, String message) {
      events.add(message);
    }
  };

  PeerSession start(int hold) {
    SessionConfig config = new SessionConfig(64513, 64512, 0xC0000202L, hold, 0, false, 120, true,
        Duration.ofMillis(200), Duration.ofSeconds(1));
    session = new PeerSession(new PeerSession.Endpoint("fake", new InetSocketAddress(LOOPBACK,
        peer.port()), Optional.empty(), 64, false, Duration.ofSeconds(5), List.of()), config,
        Optional::empty, listener);
    session.advertise(Map.of(Cidr.parse("198.51.100.10/32"), RouteAttributes.NONE));
    session.start();
    return session;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (session != null) {
      session.stop(Session.StopReason.DECONFIGURED);
    }
    peer.close();
  }

  List<Action.Down> downs() {
    return events.stream().filter(Action.Down.class::isInstance).map(Action.Down.class::cast).toList();
  }

  @Test
  void establishesAnnouncesWithEndOfRibAndKeepsTheSessionAlive() throws Exception {
    start(3);
    Open ours = peer.establish(FakePeer.open(3, 64512));
    assertThat(ours.asn()).isEqualTo(64513);

    Update routes = (Update) peer.readSkippingKeepalives();
    assertThat(routes.nlri()).containsExactly(Cidr.parse("198.51.100.10/32"));
    assertThat(routes.attribute(PathAttribute.NextHop.class))
        .contains(new PathAttribute.NextHop(LOOPBACK));
    assertThat(((Update) peer.readSkippingKeepalives()).endOfRib()).isTrue();
    await().until(() -> session.state() == Session.State.ESTABLISHED);

    // keepalives every second keep our hold timer fresh at the peer; ours at 3 s is fed by the peer
    for (int i = 0; i < 4; i++) {
      assertThat(peer.read()).isInstanceOf(BgpMessage.Keepalive.class);
      peer.send(new BgpMessage.Keepalive());
    }
    assertThat(session.state()).isEqualTo(Session.State.ESTABLISHED);
    assertThat(downs()).isEmpty();

    session.advertise(Map.of());
    assertThat(((Update) peer.readSkippingKeepalives()).withdrawn())
        .containsExactly(Cidr.parse("198.51.100.10/32"));
  }

  @Test
  void aSilentPeerGetsHoldTimerExpiredAfterTheHoldTime() throws Exception {
    start(3);
    peer.establish(FakePeer.open(3, 64512));
    long established = System.nanoTime();

    BgpMessage m;
    do {
      m = peer.read(); // keepalives, routes, End-of-RIB; the peer answers nothing
    } while (!(m instanceof Notification));

    long seconds = (System.nanoTime() - established) / 1_000_000_000L;
    assertThat(m).isEqualTo(Notification.of(Notification.HOLD_TIMER_EXPIRED, 0));
    assertThat(seconds).isBetween(2L, 10L);
    assertThat(peer.closedBySpeaker()).isTrue();
    await().untilAsserted(() -> assertThat(downs()).singleElement()
        .satisfies(d -> assertThat(d.sent()).contains(Notification.of(4, 0))));
  }

  static Stream<Arguments> malformed() {
    String m = "ffffffffffffffffffffffffffffffff";
    return Stream.of(
        Arguments.of("bad marker", "fe" + m.substring(2) + "001304", "0101"),
        Arguments.of("length 18", m + "001204", "01020012"),
        Arguments.of("type 9", m + "001309", "010309"),
        Arguments.of("OPEN in Established", null, "0503"),
        Arguments.of("attribute overruns the list",
            m + "0022020000000a4001010040020040030400", "0305"),
        Arguments.of("NLRI /33", m + "0026020000000e400101004002004003040102030421", "030a"));
  }

  /** Malformed or unexpected input: the right NOTIFICATION, a closed connection, and a retry. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedInputGetsTheRightNotificationThenTheSessionRetries(String name, String hex,
      String expected) throws Exception {
    start(30);
    peer.establish(FakePeer.open(30, 64512));
    peer.readSkippingKeepalives(); // routes
    peer.readSkippingKeepalives(); // End-of-RIB

    peer.sendRaw(hex == null ? Codec.FOUR_OCTET.encode(FakePeer.open(30, 64512))
        : HexFormat.of().parseHex(hex));

    Notification n = (Notification) peer.readSkippingKeepalives();
    assertThat(HexFormat.of().formatHex(new byte[] {(byte) n.code(), (byte) n.subcode()}))
        .as(n.describe()).isEqualTo(expected.substring(0, 4));
    if (expected.length() > 4) {
      assertThat(HexFormat.of().formatHex(n.data())).isEqualTo(expected.substring(4));
    }
    assertThat(peer.closedBySpeaker()).isTrue();
    // the speaker is still alive: it reconnects and establishes again
    peer.establish(FakePeer.open(30, 64512));
    await().until(() -> session.state() == Session.State.ESTABLISHED);
  }

  @Test
  void aNotificationFromThePeerIsNotAnsweredAndItsReasonIsReported() throws Exception {
    start(30);
    peer.establish(FakePeer.open(30, 64512));
    peer.send(Notification.cease(Notification.ADMINISTRATIVE_SHUTDOWN, "maintenance window"));

    assertThat(peer.closedBySpeaker()).isTrue();
    await().untilAsserted(() -> assertThat(downs()).singleElement().satisfies(d -> {
      assertThat(d.sent()).isEmpty();
      assertThat(d.reason()).contains("Cease/Administrative Shutdown \"maintenance window\"");
    }));
  }

  @Test
  void aWrongPeerAsIsRefusedWithBadPeerAs() throws Exception {
    start(30);
    peer.accept();
    peer.read(); // our OPEN
    peer.send(FakePeer.open(30, 64999));

    Notification n = (Notification) peer.read();
    assertThat(n.code()).isEqualTo(2);
    assertThat(n.subcode()).isEqualTo(2);
  }

  @Test
  void shutdownSendsCeaseWithAShutdownCommunication() throws Exception {
    start(30);
    peer.establish(FakePeer.open(30, 64512));
    await().until(() -> session.state() == Session.State.ESTABLISHED);

    Thread stopper = Thread.ofVirtual().start(() -> session.stop(Session.StopReason.SHUTDOWN));
    Notification n = (Notification) peer.readSkippingKeepalivesAndUpdates();
    stopper.join(10_000);
    session = null;

    assertThat(n.describe()).isEqualTo("Cease/Administrative Shutdown \"speaker shutting down\"");
  }

  @Test
  void aRouteRefreshGetsTheRoutesAgain() throws Exception {
    start(30);
    peer.establish(FakePeer.open(30, 64512));
    peer.readSkippingKeepalives();
    peer.readSkippingKeepalives();

    peer.send(new BgpMessage.RouteRefresh(1, 1));

    assertThat(((Update) peer.readSkippingKeepalives()).nlri())
        .containsExactly(Cidr.parse("198.51.100.10/32"));
  }
}
