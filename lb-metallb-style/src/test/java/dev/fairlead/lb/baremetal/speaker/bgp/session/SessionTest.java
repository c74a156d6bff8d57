package dev.fairlead.lb.baremetal.speaker.bgp.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Session.State;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Session.StopReason;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.BgpMessage;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Capability;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.MessageError;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Notification;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Open;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.PathAttribute;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Update;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The state machine with a fake clock: every transition, timer and NOTIFICATION. */
class SessionTest {
  static final long S = 1_000_000_000L;
  static final InetAddress NODE_V4 = InetAddress.ofLiteral("192.0.2.2");
  static final InetAddress NODE_V6 = InetAddress.ofLiteral("2001:db8:1::2");
  static final Map<Family, InetAddress> BOTH =
      Map.of(Family.IPV4_UNICAST, NODE_V4, Family.IPV6_UNICAST, NODE_V6);
  static final long ROUTER = 0xC0000201L;
  static final long NODE = 0xC0000202L;

  /** A session plus a clock; returns the actions of each step. */
  static final class Peer {
    final Session session;
    long now = 1000 * S;

    Peer(SessionConfig config) {
      this(config, fixedRandom(1.0));
    }

    Peer(SessionConfig config, RandomGenerator random) {
      session = new Session(config, random, now);
    }

    List<Action> at(long seconds) {
      now += seconds * S;
      return session.tick(now);
    }

    List<Action> receive(BgpMessage m) {
      return session.received(now, m);
    }

    /** Connects and exchanges OPENs and KEEPALIVEs with a peer sending {@code open}. */
    List<Action> establish(Open open) {
      assertThat(session.tick(now)).containsExactly(new Action.Connect());
      session.connected(now, BOTH);
      receive(open);
      return receive(new BgpMessage.Keepalive());
    }
  }

  static RandomGenerator fixedRandom(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  static SessionConfig ebgp() {
    return config(64513, 64512, false);
  }

  static SessionConfig config(long local, long peer, boolean gr) {
    return new SessionConfig(local, peer, NODE, 3, 0, gr, 120, true, Duration.ofSeconds(1),
        Duration.ofSeconds(30));
  }

  static Open routerOpen(int hold, Capability... extra) {
    List<Capability> caps = new ArrayList<>(List.of(Capability.Multiprotocol.of(Family.IPV4_UNICAST),
        Capability.Multiprotocol.of(Family.IPV6_UNICAST), new Capability.RouteRefresh(),
        new Capability.FourOctetAs(64512)));
    caps.addAll(List.of(extra));
    return new Open(4, 64512, hold, ROUTER, caps);
  }

  static List<BgpMessage> sent(List<Action> actions) {
    return actions.stream().filter(Action.Send.class::isInstance)
        .map(a -> ((Action.Send) a).message()).toList();
  }

  static Optional<Notification> notification(List<Action> actions) {
    return sent(actions).stream().filter(Notification.class::isInstance)
        .map(Notification.class::cast).findFirst();
  }

  static Map<Cidr, RouteAttributes> routes(String... prefixes) {
    Map<Cidr, RouteAttributes> routes = new java.util.LinkedHashMap<>();
    for (String p : prefixes) {
      routes.put(Cidr.parse(p), RouteAttributes.NONE);
    }
    return routes;
  }

  @Test
  void reachesEstablishedThroughOpenSentAndOpenConfirmThenSendsRoutesAndEndOfRib() {
    Peer p = new Peer(ebgp());
    p.session.advertise(p.now, routes("198.51.100.10/32", "2001:db8:ff::10/128"));

    assertThat(p.session.tick(p.now)).containsExactly(new Action.Connect());
    assertThat(p.session.state()).isEqualTo(State.CONNECT);
    List<Action> afterConnect = p.session.connected(p.now, BOTH);
    Open ours = (Open) sent(afterConnect).getFirst();
    assertThat(ours.asn()).isEqualTo(64513);
    assertThat(ours.holdTime()).isEqualTo(3);
    assertThat(ours.families()).containsExactlyInAnyOrder(Family.IPV4_UNICAST, Family.IPV6_UNICAST);
    assertThat(ours.gracefulRestart()).isEmpty();
    assertThat(p.session.state()).isEqualTo(State.OPEN_SENT);

    assertThat(sent(p.receive(routerOpen(3)))).containsExactly(new BgpMessage.Keepalive());
    assertThat(p.session.state()).isEqualTo(State.OPEN_CONFIRM);

    List<Action> up = p.receive(new BgpMessage.Keepalive());
    assertThat(up.getFirst()).isInstanceOf(Action.Up.class);
    assertThat(p.session.state()).isEqualTo(State.ESTABLISHED);
    List<BgpMessage> updates = sent(up);
    assertThat(updates).hasSize(4); // v4 routes, v6 routes, EoR v4, EoR v6
    Update v4 = (Update) updates.get(0);
    assertThat(v4.nlri()).containsExactly(Cidr.parse("198.51.100.10/32"));
    assertThat(v4.attributes()).containsExactly(PathAttribute.Origin.IGP,
        new PathAttribute.AsPath(List.of(new PathAttribute.AsSegment(2, List.of(64513L)))),
        new PathAttribute.NextHop(NODE_V4));
    PathAttribute.MpReach reach = ((Update) updates.get(1)).attribute(PathAttribute.MpReach.class)
        .orElseThrow();
    assertThat(reach.nextHops()).containsExactly(NODE_V6); // the node's IPv6, not ::ffff:192.0.2.2
    assertThat(reach.nlri()).containsExactly(Cidr.parse("2001:db8:ff::10/128"));
    assertThat(((Update) updates.get(2)).endOfRib()).isTrue();
    assertThat(((Update) updates.get(3)).endOfRib()).isTrue();
  }

  @Test
  void holdTimerIsEnforcedOnReceiveAndKeepalivesGoOutEveryThirdOfIt() {
    Peer p = new Peer(ebgp());
    p.establish(routerOpen(3));

    assertThat(sent(p.at(1))).containsExactly(new BgpMessage.Keepalive());
    assertThat(p.receive(new BgpMessage.Keepalive())).isEmpty(); // restarts the hold timer
    assertThat(sent(p.at(1))).containsExactly(new BgpMessage.Keepalive());
    assertThat(sent(p.at(1))).containsExactly(new BgpMessage.Keepalive());
    List<Action> expired = p.at(1); // 3 s since the last message from the peer

    assertThat(notification(expired)).contains(Notification.of(4, 0));
    assertThat(expired).contains(new Action.Disconnect());
    assertThat(expired.getLast()).isInstanceOfSatisfying(Action.Down.class,
        d -> assertThat(d.wasEstablished()).isTrue());
    assertThat(p.session.state()).isEqualTo(State.IDLE);
  }

  @Test
  void theShorterHoldTimeWinsAndAZeroHoldTimeMeansNoTimers() {
    Peer p = new Peer(new SessionConfig(64513, 64512, NODE, 90, 0, false, 120, false,
        Duration.ofSeconds(1), Duration.ofSeconds(30)));
    p.establish(routerOpen(9));
    assertThat(p.session.negotiated().orElseThrow().holdTime()).isEqualTo(9);
    assertThat(p.session.negotiated().orElseThrow().keepaliveTime()).isEqualTo(3);

    Peer none = new Peer(ebgp());
    none.establish(routerOpen(0));
    assertThat(none.session.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    assertThat(none.at(3600)).isEmpty();
    assertThat(none.session.state()).isEqualTo(State.ESTABLISHED);
  }

  @Test
  void waitingForTheOpenTimesOutAfterFourMinutes() {
    Peer p = new Peer(ebgp());
    p.session.tick(p.now);
    p.session.connected(p.now, BOTH);
    assertThat(p.at(Session.OPEN_HOLD_TIME - 1)).isEmpty();
    assertThat(notification(p.at(1))).contains(Notification.of(4, 0));
  }

  static Stream<Arguments> openErrors() {
    return Stream.of(
        Arguments.of("AS mismatch", new Open(4, 64999, 3, ROUTER, List.of()), 2, 2, "fde7"),
        Arguments.of("4-octet peer AS but no capability",
            new Open(4, Open.AS_TRANS, 3, ROUTER, List.of()), 2, 2, "5ba0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openErrors")
  void openChecksAgainstTheConfiguration(String name, Open open, int code, int subcode, String data) {
    long peerAs = name.startsWith("4-octet") ? 4_200_000_000L : 64512;
    Peer p = new Peer(config(64513, peerAs, false));
    p.session.tick(p.now);
    p.session.connected(p.now, BOTH);

    List<Action> actions = p.receive(open);

    assertThat(notification(actions)).contains(
        new Notification(code, subcode, HexFormat.of().parseHex(data)));
    assertThat(actions).contains(new Action.Disconnect());
    assertThat(p.session.state()).isEqualTo(State.IDLE);
  }

  @Test
  void frrsVerdictOnAWrongAsIsOurs() throws MessageError {
    // The OPEN a test client sent FRR as AS 64999 while FRR expected 64513; FRR answered 2/2 fde7.
    Open wrongAs = (Open) Codec.BEFORE_OPEN.decode(HexFormat.of().parseHex(
        "ffffffffffffffffffffffffffffffff00310104fde70003c00002021402120104000100010104000200014104"
            + "0000fde7"));
    Peer p = new Peer(config(64512, 64513, false));
    p.session.tick(p.now);
    p.session.connected(p.now, BOTH);

    assertThat(notification(p.receive(wrongAs)))
        .contains(new Notification(2, 2, HexFormat.of().parseHex("fde7")));
  }

  @Test
  void ibgpWithTheSameRouterIdIsRefused() {
    Peer p = new Peer(config(64512, 64512, false));
    p.session.tick(p.now);
    p.session.connected(p.now, BOTH);
    List<Action> actions = p.receive(new Open(4, 64512, 3, NODE, List.of()));
    assertThat(notification(actions).orElseThrow().subcode()).isEqualTo(3);
  }

  @Test
  void unexpectedMessagesGetFiniteStateMachineErrors() {
    Peer openSent = new Peer(ebgp());
    openSent.session.tick(openSent.now);
    openSent.session.connected(openSent.now, BOTH);
    assertThat(notification(openSent.receive(new BgpMessage.Keepalive())))
        .contains(Notification.of(5, 1));

    Peer openConfirm = new Peer(ebgp());
    openConfirm.session.tick(openConfirm.now);
    openConfirm.session.connected(openConfirm.now, BOTH);
    openConfirm.receive(routerOpen(3));
    assertThat(notification(openConfirm.receive(Update.endOfRib(Family.IPV4_UNICAST))))
        .contains(Notification.of(5, 2));

    Peer established = new Peer(ebgp());
    established.establish(routerOpen(3));
    assertThat(notification(established.receive(routerOpen(3)))).contains(Notification.of(5, 3));
  }

  @Test
  void aMalformedMessageIsAnsweredWithItsNotification() {
    Peer p = new Peer(ebgp());
    p.establish(routerOpen(3));
    Notification badLength = new Notification(1, 2, new byte[] {0, 18});

    List<Action> actions = p.session.malformed(p.now, new MessageError(badLength, "length 18"));

    assertThat(sent(actions)).containsExactly(badLength);
    assertThat(actions).contains(new Action.Disconnect());
    assertThat(((Action.Down) actions.getLast()).sent()).contains(badLength);
  }

  @Test
  void aNotificationFromThePeerIsNeverAnswered() {
    Peer p = new Peer(ebgp());
    p.establish(routerOpen(3));
    Notification shutdown = Notification.cease(2, "maintenance window");

    List<Action> actions = p.receive(shutdown);

    assertThat(sent(actions)).isEmpty();
    assertThat(actions.getLast()).isInstanceOfSatisfying(Action.Down.class, d -> {
      assertThat(d.received()).contains(shutdown);
      assertThat(d.reason()).contains("maintenance window");
    });
  }

  @Test
  void treatAsWithdrawUpdatesOnlyWarn() {
    Peer p = new Peer(ebgp());
    p.establish(routerOpen(3));

    List<Action> actions = p.receive(new Update(List.of(), List.of(), List.of(),
        Optional.of("ORIGIN 5")));

    assertThat(actions).containsExactly(new Action.Warn("UPDATE treated as withdraw (RFC 7606): ORIGIN 5"));
    assertThat(p.session.state()).isEqualTo(State.ESTABLISHED);
  }

  @Test
  void reconnectsWithExponentialBackoffCappedAndResetOnEstablished() {
    Peer p = new Peer(ebgp(), fixedRandom(1.0));
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      long start = p.now;
      p.session.tick(p.now);
      p.session.connectFailed(p.now, "refused");
      delays.add((p.session.nextDeadline() - start) / S);
      p.now = p.session.nextDeadline();
    }
    assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);

    p.establish(routerOpen(3));
    long start = p.now;
    p.session.closed(p.now, "connection reset");
    assertThat((p.session.nextDeadline() - start) / S).isEqualTo(1);
  }

  @Test
  void jitterShortensDelaysByAtMostAQuarter() {
    Peer p = new Peer(ebgp(), fixedRandom(0.0));
    p.session.tick(p.now);
    p.session.connectFailed(p.now, "refused");
    assertThat(p.session.nextDeadline() - p.now).isEqualTo(750_000_000L);
  }

  static Stream<Arguments> stops() {
    Capability.GracefulRestart withN = new Capability.GracefulRestart(false, true, 120, List.of());
    Capability.GracefulRestart withoutN = new Capability.GracefulRestart(false, false, 120, List.of());
    return Stream.of(
        Arguments.of(StopReason.SHUTDOWN, false, null, Notification.cease(2, "speaker shutting down")),
        Arguments.of(StopReason.SHUTDOWN, true, withN, Notification.cease(2, "speaker restarting")),
        Arguments.of(StopReason.SHUTDOWN, true, withoutN, null),
        Arguments.of(StopReason.SHUTDOWN, true, null, Notification.cease(2, "speaker shutting down")),
        Arguments.of(StopReason.DECONFIGURED, true, withN, Notification.of(6, 9)),
        Arguments.of(StopReason.DECONFIGURED, false, null, Notification.of(6, 3)),
        Arguments.of(StopReason.CONFIG_CHANGED, false, null, Notification.of(6, 6)),
        Arguments.of(StopReason.BFD_DOWN, false, null, Notification.of(6, 10)));
  }

  /** Graceful restart decides whether a stop keeps the routes at the peer. */
  @ParameterizedTest(name = "{0}, ours {1}, peer {2}")
  @MethodSource("stops")
  void stoppingSendsTheNotificationGracefulRestartAllows(StopReason reason, boolean ourGr,
      Capability.GracefulRestart peerGr, Notification expected) {
    Peer p = new Peer(config(64513, 64512, ourGr));
    p.establish(peerGr == null ? routerOpen(3) : routerOpen(3, peerGr));

    List<Action> actions = p.session.stop(p.now, reason);

    assertThat(notification(actions)).isEqualTo(Optional.ofNullable(expected));
    assertThat(actions).contains(new Action.Disconnect());
    boolean reconnects = reason == StopReason.BFD_DOWN;
    assertThat(p.session.nextDeadline() == Long.MAX_VALUE).isEqualTo(!reconnects);
  }

  @Test
  void gracefulRestartCapabilityCarriesRestartTimeAndForwardingStatePerFamily() {
    Peer p = new Peer(config(64513, 64512, true));
    p.session.tick(p.now);
    Open ours = (Open) sent(p.session.connected(p.now, Map.of(Family.IPV4_UNICAST, NODE_V4))).getFirst();

    assertThat(ours.gracefulRestart()).contains(new Capability.GracefulRestart(true, true, 120,
        List.of(new Capability.GracefulFamily(1, 1, true))));
    assertThat(ours.families()).containsExactly(Family.IPV4_UNICAST);
  }

  @Test
  void changesInEstablishedAreSentAsTheDifferenceOnly() {
    Peer p = new Peer(ebgp());
    p.session.advertise(p.now, routes("198.51.100.10/32", "198.51.100.11/32"));
    p.establish(routerOpen(3));

    List<BgpMessage> change = sent(p.session.advertise(p.now, routes("198.51.100.11/32",
        "198.51.100.12/32")));

    assertThat(change).hasSize(2);
    assertThat(((Update) change.get(0)).withdrawn()).containsExactly(Cidr.parse("198.51.100.10/32"));
    assertThat(((Update) change.get(1)).nlri()).containsExactly(Cidr.parse("198.51.100.12/32"));
    assertThat(sent(p.session.advertise(p.now, routes("198.51.100.11/32", "198.51.100.12/32"))))
        .isEmpty();
    assertThat(p.session.ribOut().prefixes()).containsExactly(Cidr.parse("198.51.100.11/32"),
        Cidr.parse("198.51.100.12/32"));
  }

  @Test
  void ipv6WithdrawalsUseMpUnreach() {
    Peer p = new Peer(ebgp());
    p.session.advertise(p.now, routes("2001:db8:ff::10/128"));
    p.establish(routerOpen(3));

    Update withdraw = (Update) sent(p.session.advertise(p.now, Map.of())).getFirst();

    assertThat(withdraw.attribute(PathAttribute.MpUnreach.class)).contains(
        new PathAttribute.MpUnreach(2, 1, List.of(Cidr.parse("2001:db8:ff::10/128"))));
  }

  @Test
  void ibgpCarriesLocalPrefAndAnEmptyAsPathAndCommunities() {
    Peer p = new Peer(config(64512, 64512, false));
    RouteAttributes attrs = new RouteAttributes(OptionalLong.of(200), List.of(0xFDE8_0064L),
        List.of(new PathAttribute.LargeCommunity(64512, 7, 9)));
    p.session.advertise(p.now, Map.of(Cidr.parse("198.51.100.10/32"), attrs));

    Update u = (Update) sent(p.establish(routerOpen(3))).getFirst();

    assertThat(u.attributes()).containsExactly(PathAttribute.Origin.IGP,
        new PathAttribute.AsPath(List.of()), new PathAttribute.NextHop(NODE_V4),
        new PathAttribute.LocalPref(200), new PathAttribute.Communities(List.of(0xFDE8_0064L)),
        new PathAttribute.LargeCommunities(List.of(new PathAttribute.LargeCommunity(64512, 7, 9))));
  }

  @Test
  void familiesThePeerDoesNotSupportAreNotSent() {
    Peer p = new Peer(ebgp());
    p.session.advertise(p.now, routes("198.51.100.10/32", "2001:db8:ff::10/128"));

    List<BgpMessage> sent = sent(p.establish(new Open(4, 64512, 3, ROUTER, List.of())));

    assertThat(sent).hasSize(2); // IPv4 routes + IPv4 End-of-RIB; no MP capability = IPv4 only
    assertThat(sent).noneMatch(m -> ((Update) m).attribute(PathAttribute.MpReach.class).isPresent());
  }

  @Test
  void routeRefreshResendsTheFamily() {
    Peer p = new Peer(ebgp());
    p.session.advertise(p.now, routes("198.51.100.10/32", "2001:db8:ff::10/128"));
    p.establish(routerOpen(3));

    List<BgpMessage> again = sent(p.receive(new BgpMessage.RouteRefresh(1, 1)));

    assertThat(again).hasSize(1);
    assertThat(((Update) again.getFirst()).nlri()).containsExactly(Cidr.parse("198.51.100.10/32"));
  }

  @Test
  void largeChangesAreSplitIntoUpdatesOfAtMost4096Octets() {
    Peer p = new Peer(ebgp());
    p.establish(routerOpen(3));
    Map<Cidr, RouteAttributes> many = new java.util.HashMap<>();
    for (int i = 0; i < 2000; i++) {
      many.put(new Cidr(InetAddress.ofLiteral("10.0." + (i / 250) + "." + (i % 250)), 32),
          RouteAttributes.NONE);
      many.put(new Cidr(InetAddress.ofLiteral("2001:db8:ff::" + Integer.toHexString(i)), 128),
          RouteAttributes.NONE);
    }

    List<BgpMessage> announce = sent(p.session.advertise(p.now, many));
    List<BgpMessage> withdraw = sent(p.session.advertise(p.now, Map.of()));

    for (List<BgpMessage> batch : List.of(announce, withdraw)) {
      assertThat(batch.size()).isGreaterThan(2);
      long prefixes = 0;
      for (BgpMessage m : batch) {
        Update u = (Update) m;
        assertThat(Codec.FOUR_OCTET.encode(u).length).isLessThanOrEqualTo(Codec.MAX_LENGTH);
        prefixes += u.nlri().size() + u.withdrawn().size()
            + u.attribute(PathAttribute.MpReach.class).map(r -> r.nlri().size()).orElse(0)
            + u.attribute(PathAttribute.MpUnreach.class).map(r -> r.withdrawn().size()).orElse(0);
      }
      assertThat(prefixes).isEqualTo(4000);
    }
  }

  @Test
  void aClosedConnectionDropsTheAdjRibOutAndRetries() {
    Peer p = new Peer(ebgp());
    p.session.advertise(p.now, routes("198.51.100.10/32"));
    p.establish(routerOpen(3));

    List<Action> actions = p.session.closed(p.now, "connection reset by peer");

    assertThat(actions).startsWith(new Action.Disconnect());
    assertThat(p.session.ribOut().prefixes()).isEmpty();
    assertThat(p.at(1)).containsExactly(new Action.Connect());
  }
}
