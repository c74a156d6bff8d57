package dev.fairlead.lb.baremetal.speaker.bgp.session;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.BgpMessage;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Capability;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.MessageError;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Notification;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Open;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Update;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The BGP finite state machine of RFC 4271 §8 for a speaker that only initiates connections (it
 * never listens, so there is no Active state and no connection collision). Not thread-safe: one
 * thread feeds it events with the current time in nanoseconds and carries out the returned actions
 * in order.
 *
 * <p>Beyond MetalLB's native speaker it enforces the hold timer on receive, goes through
 * OpenConfirm, answers errors with the NOTIFICATION RFC 4271 and RFC 6608 prescribe, backs off
 * between attempts (with jitter, so a fleet does not reconnect in lockstep) and supports graceful
 * restart: on {@link #stop} with {@link StopReason#SHUTDOWN} the peer keeps the routes as stale
 * until this speaker is back (RFC 4724, RFC 8538).
 */
public final class Session {
  /** RFC 4271's suggested hold time while waiting for the peer's OPEN. */
  static final int OPEN_HOLD_TIME = 240;

  /** The states. Active is absent: this speaker never accepts connections. */
  public enum State {
    /** Waiting to (re)connect. */
    IDLE,
    /** TCP connection in progress. */
    CONNECT,
    /** OPEN sent, waiting for the peer's. */
    OPEN_SENT,
    /** OPENs exchanged, waiting for the first KEEPALIVE. */
    OPEN_CONFIRM,
    /** Routes flow. */
    ESTABLISHED
  }

  /** Why a session is stopped on purpose. */
  public enum StopReason {
    /** This process stops (restart, upgrade): with graceful restart the peer keeps the routes. */
    SHUTDOWN,
    /** The peer was removed from the configuration: its routes must go, restart or not. */
    DECONFIGURED,
    /** The peer's settings changed; a new session follows at once. */
    CONFIG_CHANGED,
    /** BFD declared the path down (RFC 5882): reconnect with backoff. */
    BFD_DOWN
  }

  private final SessionConfig config;
  private final RandomGenerator random;
  private final AdjRibOut ribOut = new AdjRibOut();
  private State state = State.IDLE;
  private boolean stopped;
  private int failures;
  private long retryAt;
  private long holdAt = Long.MAX_VALUE;
  private long keepaliveAt = Long.MAX_VALUE;
  private Map<Family, InetAddress> nextHops = Map.of();
  private Negotiated negotiated;
  private Map<Cidr, RouteAttributes> desired = Map.of();

  /**
   * Creates an idle session that connects at once when first ticked.
   *
   * @param config the configuration
   * @param random jitter source (seeded in tests)
   * @param now the current time in nanoseconds
   */
  public Session(SessionConfig config, RandomGenerator random, long now) {
    this.config = config;
    this.random = random;
    this.retryAt = now;
  }

  /**
   * The current state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * What the OPENs agreed on while the session is Established.
   *
   * @return the negotiation, or empty
   */
  public Optional<Negotiated> negotiated() {
    return state == State.ESTABLISHED ? Optional.ofNullable(negotiated) : Optional.empty();
  }

  /**
   * The codec for this connection: 2- or 4-octet AS numbers once the OPENs are exchanged.
   *
   * @return the codec
   */
  public dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec codec() {
    return negotiated != null ? negotiated.codec()
        : dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec.BEFORE_OPEN;
  }

  /**
   * The routes the peer currently has from this session.
   *
   * @return the Adj-RIB-Out (read it, do not change it)
   */
  public AdjRibOut ribOut() {
    return ribOut;
  }

  /**
   * When {@link #tick} has something to do next.
   *
   * @return a time in nanoseconds, or {@link Long#MAX_VALUE}
   */
  public long nextDeadline() {
    return switch (state) {
      case IDLE -> stopped ? Long.MAX_VALUE : retryAt;
      case CONNECT -> Long.MAX_VALUE;
      case OPEN_SENT -> holdAt;
      case OPEN_CONFIRM, ESTABLISHED -> Math.min(holdAt, keepaliveAt);
    };
  }

  /**
   * Timers: connect when the retry time has come, send KEEPALIVEs, enforce the hold time.
   *
   * @param now current time
   * @return actions
   */
  public List<Action> tick(long now) {
    List<Action> actions = new ArrayList<>();
    switch (state) {
      case IDLE -> {
        if (!stopped && now - retryAt >= 0) {
          state = State.CONNECT;
          actions.add(new Action.Connect());
        }
      }
      case CONNECT -> { }
      case OPEN_SENT, OPEN_CONFIRM, ESTABLISHED -> {
        if (now - holdAt >= 0) {
          return fail(now, Notification.of(Notification.HOLD_TIMER_EXPIRED, 0),
              "hold timer expired: nothing received for " + holdSeconds() + " s");
        }
        if (state != State.OPEN_SENT && now - keepaliveAt >= 0) {
          actions.add(new Action.Send(new BgpMessage.Keepalive()));
          keepaliveAt = now + seconds(negotiated.keepaliveTime());
        }
      }
    }
    return actions;
  }

  private int holdSeconds() {
    return state == State.OPEN_SENT ? OPEN_HOLD_TIME : negotiated.holdTime();
  }

  /**
   * The TCP connection is up: send the OPEN.
   *
   * @param now current time
   * @param nextHops this side's next hop for each family it may announce on this connection
   * @return actions
   */
  public List<Action> connected(long now, Map<Family, InetAddress> nextHops) {
    if (state != State.CONNECT) {
      return List.of(new Action.Disconnect());
    }
    this.nextHops = Map.copyOf(nextHops);
    state = State.OPEN_SENT;
    holdAt = now + seconds(OPEN_HOLD_TIME);
    return List.of(new Action.Send(open()));
  }

  /**
   * The OPEN this side sends.
   *
   * @return the OPEN for the current next hops
   */
  Open open() {
    List<Capability> caps = new ArrayList<>();
    for (Family f : Family.values()) {
      if (nextHops.containsKey(f)) {
        caps.add(Capability.Multiprotocol.of(f));
      }
    }
    caps.add(new Capability.RouteRefresh());
    caps.add(new Capability.FourOctetAs(config.localAs()));
    if (config.gracefulRestart()) {
      caps.add(new Capability.GracefulRestart(config.restarted(), true, config.restartTime(),
          nextHops.keySet().stream().sorted()
              .map(f -> new Capability.GracefulFamily(f.afi(), f.safi(), true)).toList()));
    }
    int myAs = config.localAs() > 0xffff ? Open.AS_TRANS : (int) config.localAs();
    return new Open(4, myAs, config.holdTime(), config.routerId(), caps);
  }

  /**
   * The TCP connection could not be opened.
   *
   * @param now current time
   * @param reason why
   * @return actions
   */
  public List<Action> connectFailed(long now, String reason) {
    if (state != State.CONNECT) {
      return List.of();
    }
    return down(now, "connect failed: " + reason, Optional.empty(), Optional.empty());
  }

  /**
   * The peer closed the connection, or it broke.
   *
   * @param now current time
   * @param reason why
   * @return actions
   */
  public List<Action> closed(long now, String reason) {
    if (state == State.IDLE || state == State.CONNECT) {
      return List.of();
    }
    List<Action> actions = new ArrayList<>();
    actions.add(new Action.Disconnect());
    actions.addAll(down(now, reason, Optional.empty(), Optional.empty()));
    return actions;
  }

  /**
   * A message could not be decoded: send its NOTIFICATION and close.
   *
   * @param now current time
   * @param error what was wrong
   * @return actions
   */
  public List<Action> malformed(long now, MessageError error) {
    if (state == State.IDLE || state == State.CONNECT) {
      return List.of();
    }
    return fail(now, error.notification(), "malformed message: " + error.getMessage());
  }

  /**
   * A message arrived.
   *
   * @param now current time
   * @param message the message
   * @return actions
   */
  public List<Action> received(long now, BgpMessage message) {
    if (state == State.IDLE || state == State.CONNECT) {
      return List.of();
    }
    if (message instanceof Notification n) {
      List<Action> actions = new ArrayList<>();
      actions.add(new Action.Disconnect());
      actions.addAll(down(now, "peer sent NOTIFICATION " + n.describe(), Optional.empty(),
          Optional.of(n)));
      return actions;
    }
    return switch (state) {
      case OPEN_SENT -> message instanceof Open open ? opened(now, open)
          : fail(now, Notification.of(Notification.FSM, 1), "expected OPEN, got " + name(message));
      case OPEN_CONFIRM -> message instanceof BgpMessage.Keepalive ? established(now)
          : fail(now, Notification.of(Notification.FSM, 2), "expected KEEPALIVE, got " + name(message));
      default -> inEstablished(now, message);
    };
  }

  private static String name(BgpMessage message) {
    return message.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
  }

  private List<Action> opened(long now, Open open) {
    long expected = config.peerAs();
    if (open.asn() != expected || (expected > 0xffff && !open.fourOctetAs())) {
      return fail(now, new Notification(Notification.OPEN, 2,
          new byte[] {(byte) (open.myAs() >> 8), (byte) open.myAs()}),
          "peer is AS " + open.asn() + ", expected AS " + expected);
    }
    if (!config.external() && open.bgpIdentifier() == config.routerId()) {
      return fail(now, new Notification(Notification.OPEN, 3, u32(open.bgpIdentifier())),
          "peer uses this speaker's router ID " + open.routerId());
    }
    int hold = Math.min(config.holdTime(), open.holdTime());
    int keepalive = hold == 0 ? 0
        : config.keepaliveTime() > 0 ? Math.min(config.keepaliveTime(), Math.max(1, hold / 3))
        : Math.max(1, hold / 3);
    Set<Family> families = EnumSet.noneOf(Family.class);
    families.addAll(nextHops.keySet());
    families.retainAll(open.families());
    Optional<Capability.GracefulRestart> peerGr = open.gracefulRestart();
    boolean gr = config.gracefulRestart() && peerGr.isPresent();
    negotiated = new Negotiated(open, hold, keepalive, open.fourOctetAs(), families, nextHops, gr,
        gr && peerGr.get().notification(), open.routeRefresh());
    state = State.OPEN_CONFIRM;
    holdAt = hold == 0 ? Long.MAX_VALUE : now + seconds(hold);
    keepaliveAt = keepalive == 0 ? Long.MAX_VALUE : now + seconds(keepalive);
    return List.of(new Action.Send(new BgpMessage.Keepalive()));
  }

  private List<Action> established(long now) {
    state = State.ESTABLISHED;
    failures = 0;
    touch(now);
    List<Action> actions = new ArrayList<>();
    actions.add(new Action.Up(negotiated));
    ribOut.clear();
    ribOut.update(desired, negotiated, config).forEach(u -> actions.add(new Action.Send(u)));
    for (Family f : Family.values()) {
      if (negotiated.families().contains(f)) {
        actions.add(new Action.Send(Update.endOfRib(f))); // RFC 4724 §2: initial update complete
      }
    }
    return actions;
  }

  private List<Action> inEstablished(long now, BgpMessage message) {
    touch(now);
    return switch (message) {
      case Open o -> fail(now, Notification.of(Notification.FSM, 3), "OPEN in Established");
      case Update u -> u.treatAsWithdraw().isPresent()
          ? List.of(new Action.Warn("UPDATE treated as withdraw (RFC 7606): " + u.treatAsWithdraw().get()))
          : List.of();
      case BgpMessage.RouteRefresh r -> Family.of(r.afi(), r.safi())
          .filter(negotiated.families()::contains)
          .map(f -> ribOut.refresh(f, negotiated, config).stream()
              .map(u -> (Action) new Action.Send(u)).toList())
          .orElse(List.of());
      default -> List.of();
    };
  }

  private void touch(long now) {
    if (negotiated.holdTime() > 0) {
      holdAt = now + seconds(negotiated.holdTime());
    }
  }

  /**
   * Sets the routes this session should advertise; in Established the difference is sent at once.
   *
   * @param now current time
   * @param routes prefix to attributes, both families
   * @return actions
   */
  public List<Action> advertise(long now, Map<Cidr, RouteAttributes> routes) {
    desired = Map.copyOf(routes);
    if (state != State.ESTABLISHED) {
      return List.of();
    }
    return ribOut.update(desired, negotiated, config).stream()
        .map(u -> (Action) new Action.Send(u)).toList();
  }

  /**
   * Ends the session on purpose. The NOTIFICATION depends on the reason and on graceful restart:
   *
   * <ul>
   *   <li>{@link StopReason#SHUTDOWN} with graceful restart negotiated: Cease/Administrative
   *       Shutdown when both sides set the N bit (RFC 8538 keeps the routes), otherwise a bare
   *       close (RFC 4724: a NOTIFICATION would end the restart); the peer keeps the routes as
   *       stale until this speaker is back;
   *   <li>{@link StopReason#SHUTDOWN} without it: Cease/Administrative Shutdown, routes withdrawn;
   *   <li>{@link StopReason#DECONFIGURED}: Cease/Hard Reset with the N bit, else Peer
   *       De-configured: routes withdrawn either way;
   *   <li>{@link StopReason#CONFIG_CHANGED}: Cease/Other Configuration Change;
   *   <li>{@link StopReason#BFD_DOWN}: Cease/BFD Down, then reconnect with backoff.
   * </ul>
   *
   * @param now current time
   * @param reason why
   * @return actions
   */
  public List<Action> stop(long now, StopReason reason) {
    if (reason != StopReason.BFD_DOWN) {
      stopped = true;
    }
    if (state == State.IDLE) {
      return List.of();
    }
    if (state == State.CONNECT) {
      state = State.IDLE;
      return List.of(new Action.Disconnect());
    }
    boolean gr = negotiated != null && negotiated.gracefulRestart() && state == State.ESTABLISHED;
    boolean nBit = gr && negotiated.notificationBit();
    Optional<Notification> notification = switch (reason) {
      case SHUTDOWN -> gr && !nBit ? Optional.empty() : Optional.of(Notification.cease(
          Notification.ADMINISTRATIVE_SHUTDOWN, gr ? "speaker restarting" : "speaker shutting down"));
      case DECONFIGURED -> Optional.of(Notification.of(Notification.CEASE,
          nBit ? Notification.HARD_RESET : Notification.PEER_DECONFIGURED));
      case CONFIG_CHANGED -> Optional.of(
          Notification.of(Notification.CEASE, Notification.OTHER_CONFIGURATION_CHANGE));
      case BFD_DOWN -> Optional.of(Notification.of(Notification.CEASE, Notification.BFD_DOWN));
    };
    List<Action> actions = new ArrayList<>();
    notification.ifPresent(n -> actions.add(new Action.Send(n)));
    actions.add(new Action.Disconnect());
    String why = switch (reason) {
      case SHUTDOWN -> gr ? "speaker stopping; peer keeps the routes (graceful restart)"
          : "speaker stopping";
      case DECONFIGURED -> "peer removed from the configuration";
      case CONFIG_CHANGED -> "peer configuration changed";
      case BFD_DOWN -> "BFD session down";
    };
    actions.addAll(down(now, why, notification, Optional.empty()));
    return actions;
  }

  private List<Action> fail(long now, Notification notification, String reason) {
    List<Action> actions = new ArrayList<>();
    actions.add(new Action.Send(notification));
    actions.add(new Action.Disconnect());
    actions.addAll(down(now, reason + " (sent " + notification.describe() + ")",
        Optional.of(notification), Optional.empty()));
    return actions;
  }

  private List<Action> down(long now, String reason, Optional<Notification> sent,
      Optional<Notification> received) {
    boolean wasEstablished = state == State.ESTABLISHED;
    state = State.IDLE;
    holdAt = Long.MAX_VALUE;
    keepaliveAt = Long.MAX_VALUE;
    negotiated = null;
    ribOut.clear();
    failures++;
    retryAt = now + backoff();
    return List.of(new Action.Down(reason, wasEstablished, sent, received));
  }

  /** First retry after {@code firstRetry}, doubling up to {@code maxRetry}, 75–100 % jitter. */
  private long backoff() {
    Duration first = config.firstRetry();
    long max = config.maxRetry().toNanos();
    long base = first.toNanos() << Math.min(failures - 1, 20);
    long delay = Math.min(max, base < 0 ? max : base);
    return (long) (delay * (0.75 + 0.25 * random.nextDouble()));
  }

  private static long seconds(int s) {
    return Duration.ofSeconds(s).toNanos();
  }

  private static byte[] u32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
