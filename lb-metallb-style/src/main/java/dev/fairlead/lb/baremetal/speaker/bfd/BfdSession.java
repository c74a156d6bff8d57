package dev.fairlead.lb.baremetal.speaker.bfd;

import dev.fairlead.lb.baremetal.speaker.bfd.BfdPacket.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One BFD session in asynchronous mode (RFC 5880 §6.8), without echo, demand mode or
 * authentication. Pure and single-threaded: packets and the time in nanoseconds in, packets to send
 * and state changes out.
 *
 * <p>While the session is not Up it advertises a desired transmit interval of at least one second
 * (§6.8.3); once Up it switches to the configured interval with a Poll Sequence. Packets go out
 * every {@code max(desired tx, peer's required rx)} less 0–25 % jitter (§6.8.7). The session goes
 * Down when nothing arrives within the peer's detect multiplier times the agreed interval.
 */
public final class BfdSession {
  /** The desired transmit interval while not Up (RFC 5880 §6.8.3). */
  static final long SLOW_TX_MICROS = 1_000_000;

  /** Diagnostic: Control Detection Time Expired. */
  public static final int DIAG_DETECTION_TIME_EXPIRED = 1;
  /** Diagnostic: Neighbor Signaled Session Down. */
  public static final int DIAG_NEIGHBOR_DOWN = 3;
  /** Diagnostic: Administratively Down. */
  public static final int DIAG_ADMIN_DOWN = 7;

  /** What the session asks for. */
  public sealed interface Event {
    /**
     * Send this packet now.
     *
     * @param packet the packet
     */
    record Transmit(BfdPacket packet) implements Event {}

    /**
     * The session changed state.
     *
     * @param from old state
     * @param to new state
     * @param diagnostic the local diagnostic after the change
     * @param peerAdminDown the peer took its side administratively down, which RFC 5882 §3.2
     *     says is not a path failure: clients keep their sessions
     */
    record StateChanged(State from, State to, int diagnostic, boolean peerAdminDown)
        implements Event {
      /**
       * A change not caused by the peer's AdminDown.
       *
       * @param from old state
       * @param to new state
       * @param diagnostic the local diagnostic
       */
      public StateChanged(State from, State to, int diagnostic) {
        this(from, to, diagnostic, false);
      }
    }
  }

  private final BfdSettings settings;
  private final long localDiscriminator;
  private final RandomGenerator random;
  private State state = State.DOWN;
  private int diagnostic;
  private long remoteDiscriminator;
  private State remoteState = State.DOWN;
  private long remoteMinRx = 1;
  private long remoteDesiredMinTx;
  private int remoteMultiplier;
  private long desiredMinTx;
  private boolean polling;
  private long transmitAt;
  private long detectAt = Long.MAX_VALUE;

  /**
   * Creates a Down session.
   *
   * @param settings intervals and multiplier
   * @param localDiscriminator this session's non-zero discriminator
   * @param random jitter source
   * @param now current time
   */
  public BfdSession(BfdSettings settings, long localDiscriminator, RandomGenerator random, long now) {
    if (localDiscriminator == 0 || localDiscriminator > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("discriminator must be a non-zero 32-bit number");
    }
    this.settings = settings;
    this.localDiscriminator = localDiscriminator;
    this.random = random;
    this.desiredMinTx = slowTx();
    this.transmitAt = now;
  }

  /**
   * The session's state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * This session's discriminator.
   *
   * @return the discriminator
   */
  public long localDiscriminator() {
    return localDiscriminator;
  }

  /**
   * The local diagnostic.
   *
   * @return why the session last went down
   */
  public int diagnostic() {
    return diagnostic;
  }

  /**
   * The time after which, without a packet from the peer, an Up session goes Down.
   *
   * @return the detection time
   */
  public Duration detectionTime() {
    long agreed = Math.max(micros(settings.receiveInterval()), remoteDesiredMinTx);
    return Duration.ofNanos(remoteMultiplier * agreed * 1000);
  }

  /**
   * When {@link #tick} has work.
   *
   * @return nanoseconds, or {@link Long#MAX_VALUE}
   */
  public long nextDeadline() {
    long next = transmitting() ? transmitAt : Long.MAX_VALUE;
    return (state == State.INIT || state == State.UP) ? Math.min(next, detectAt) : next;
  }

  private boolean transmitting() {
    return state != State.ADMIN_DOWN && remoteMinRx != 0
        && !(settings.passive() && remoteDiscriminator == 0);
  }

  /**
   * Handles a received Control packet for this session (already demultiplexed and checked by
   * {@link BfdPacket#decode}).
   *
   * @param now current time
   * @param packet the packet
   * @return events
   */
  public List<Event> received(long now, BfdPacket packet) {
    List<Event> events = new ArrayList<>();
    if (packet.yourDiscriminator() != 0 && packet.yourDiscriminator() != localDiscriminator) {
      return events;
    }
    boolean wasSilent = !transmitting();
    long agreedBefore = agreedTxMicros();
    remoteDiscriminator = packet.myDiscriminator();
    remoteState = packet.state();
    remoteMinRx = packet.requiredMinRx();
    remoteDesiredMinTx = packet.desiredMinTx();
    remoteMultiplier = packet.detectMultiplier();
    if (packet.fin() && polling) {
      polling = false;
    }
    if (state == State.ADMIN_DOWN) {
      return events;
    }
    detectAt = now + detectionTime().toNanos();
    State before = state;
    if (remoteState == State.ADMIN_DOWN) {
      if (state != State.DOWN) {
        change(State.DOWN, DIAG_NEIGHBOR_DOWN, events);
      }
    } else if (state == State.DOWN) {
      if (remoteState == State.DOWN) {
        change(State.INIT, 0, events);
      } else if (remoteState == State.INIT) {
        change(State.UP, 0, events);
      }
    } else if (state == State.INIT) {
      if (remoteState == State.INIT || remoteState == State.UP) {
        change(State.UP, 0, events);
      }
    } else if (remoteState == State.DOWN) {
      change(State.DOWN, DIAG_NEIGHBOR_DOWN, events);
    }
    if (packet.poll()) {
      events.add(new Event.Transmit(packet(false, true))); // §6.8.7: at once, outside the schedule
    }
    // Pull the next transmission in when the interval shrank: going Up lowers our desired
    // interval, and the peer's Poll lowers its Required Min RX once it is Up. The peer times us
    // out by the new interval from then on (RFC 5880 §6.8.4), so a packet still scheduled at the
    // slow pace (up to 1 s away) would make it declare the session down after 900 ms.
    if (wasSilent && transmitting() || before != state || agreedTxMicros() < agreedBefore) {
      transmitAt = Math.min(transmitAt, now + interval());
    }
    return events;
  }

  /**
   * Timers: periodic transmission and detection of a silent peer.
   *
   * @param now current time
   * @return events
   */
  public List<Event> tick(long now) {
    List<Event> events = new ArrayList<>();
    if ((state == State.INIT || state == State.UP) && now - detectAt >= 0) {
      remoteDiscriminator = 0;
      detectAt = Long.MAX_VALUE;
      change(State.DOWN, DIAG_DETECTION_TIME_EXPIRED, events);
    }
    if (transmitting() && now - transmitAt >= 0) {
      events.add(new Event.Transmit(packet(polling, false)));
      transmitAt = now + interval();
    }
    return events;
  }

  /**
   * Takes the session administratively down, as when the speaker stops: the peer sees AdminDown,
   * which RFC 5882 §3.2 says is not a path failure.
   *
   * @param now current time
   * @return the packet to send
   */
  public List<Event> adminDown(long now) {
    List<Event> events = new ArrayList<>();
    if (state != State.ADMIN_DOWN) {
      change(State.ADMIN_DOWN, DIAG_ADMIN_DOWN, events);
    }
    events.add(new Event.Transmit(packet(false, false)));
    return events;
  }

  private void change(State to, int diag, List<Event> events) {
    State from = state;
    state = to;
    diagnostic = diag;
    if (to == State.UP) {
      desiredMinTx = micros(settings.transmitInterval());
      polling = desiredMinTx != slowTx(); // announce the new interval (§6.8.3)
    } else {
      desiredMinTx = slowTx();
      polling = false;
    }
    events.add(new Event.StateChanged(from, to, diag, remoteState == State.ADMIN_DOWN
        && diag == DIAG_NEIGHBOR_DOWN));
  }

  private long slowTx() {
    return Math.max(SLOW_TX_MICROS, micros(settings.transmitInterval()));
  }

  /** The transmission interval both sides agree on (§6.8.7), in microseconds. */
  private long agreedTxMicros() {
    return Math.max(desiredMinTx, remoteMinRx);
  }

  /**
   * The next transmission interval: the agreed one less 0–25 % jitter, or 10–25 % if our own
   * detect multiplier is 1, since the peer's detection time is our multiplier times it (§6.8.7).
   */
  private long interval() {
    double jitter = settings.detectMultiplier() == 1 ? 0.75 + 0.15 * random.nextDouble()
        : 0.75 + 0.25 * random.nextDouble();
    return (long) (agreedTxMicros() * 1000 * jitter);
  }

  private BfdPacket packet(boolean poll, boolean fin) {
    return new BfdPacket(diagnostic, state, poll, fin, false, false, settings.detectMultiplier(),
        localDiscriminator, remoteDiscriminator, desiredMinTx, micros(settings.receiveInterval()), 0);
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }
}
