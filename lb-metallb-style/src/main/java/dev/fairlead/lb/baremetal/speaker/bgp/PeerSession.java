package dev.fairlead.lb.baremetal.speaker.bgp;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Action;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Negotiated;
import dev.fairlead.lb.baremetal.speaker.bgp.session.RouteAttributes;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Session;
import dev.fairlead.lb.baremetal.speaker.bgp.session.SessionConfig;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.BgpMessage;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.MessageError;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Update;
import dev.fairlead.lb.baremetal.speaker.net.TcpConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Session} over a {@link TcpConnection}: an actor thread owns the state machine (all
 * events, timers and writes), a reader thread per connection frames incoming octets and posts them.
 * Nothing blocks the actor for long: connects happen on the reader thread, writes are bounded by a
 * timeout.
 */
final class PeerSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerSession.class);

  /** What the speaker learns from a session; called on the session's actor thread. */
  interface Listener {
    void up(PeerSession session, Negotiated negotiated);

    void down(PeerSession session, Action.Down down);

    void sent(PeerSession session, BgpMessage message);

    void warn(PeerSession session, String message);

    /** The state changed. */
    default void state(PeerSession session, Session.State state) {}

    /** The number of prefixes the peer has from this node changed (or may have). */
    default void advertised(PeerSession session, Map<Family, Integer> counts) {}
  }

  /**
   * Where and how to connect.
   *
   * @param name the BGPPeer's name
   * @param address peer address and port
   * @param source local address to bind, if configured
   * @param ttl outgoing TTL (1 for a directly connected eBGP peer)
   * @param dualStack announce both families over this session
   * @param connectTimeout TCP handshake limit
   * @param nodeAddresses this node's addresses (next-hop fallback)
   */
  record Endpoint(String name, InetSocketAddress address, Optional<InetAddress> source, int ttl,
      boolean dualStack, Duration connectTimeout, List<InetAddress> nodeAddresses) {
    Endpoint {
      nodeAddresses = List.copyOf(nodeAddresses);
    }
  }

  /** Supplies the TCP MD5 key at each connection attempt (re-read, so a fixed Secret applies). */
  interface KeySource {
    Optional<byte[]> key() throws IOException;
  }

  private final Endpoint endpoint;
  private final Session session;
  private final KeySource keys;
  private final Listener listener;
  private final ScheduledExecutorService actor;
  private ScheduledFuture<?> timer;
  private TcpConnection connection;
  private int generation;
  private volatile boolean closing;
  private volatile Session.State state = Session.State.IDLE;

  PeerSession(Endpoint endpoint, SessionConfig config, KeySource keys, Listener listener) {
    this.endpoint = endpoint;
    this.keys = keys;
    this.listener = listener;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bgp-" + endpoint.name());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.actor = executor;
    this.session = new Session(config, new SplittableRandom(), System.nanoTime());
  }

  Endpoint endpoint() {
    return endpoint;
  }

  Session.State state() {
    return state;
  }

  /** Starts connecting. */
  void start() {
    actor.execute(this::onTimer);
  }

  /**
   * Sets the routes to advertise.
   *
   * @param routes prefix to attributes
   */
  void advertise(Map<Cidr, RouteAttributes> routes) {
    Map<Cidr, RouteAttributes> copy = Map.copyOf(routes);
    actor.execute(() -> perform(session.advertise(System.nanoTime(), copy)));
  }

  /**
   * Tears the session down with {@link Session#stop} (BFD down: it reconnects with backoff).
   *
   * @param reason why
   */
  void interrupt(Session.StopReason reason) {
    actor.execute(() -> perform(session.stop(System.nanoTime(), reason)));
  }

  /**
   * Stops for good: sends what {@link Session#stop} decides, closes, ends the threads. Waits at
   * most a few seconds for the NOTIFICATION to be written.
   *
   * @param reason why
   */
  void stop(Session.StopReason reason) {
    closing = true;
    try {
      actor.submit(() -> perform(session.stop(System.nanoTime(), reason))).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("stopping session {}: {}", endpoint.name(), e.toString());
    }
    actor.shutdownNow();
    TcpConnection c = connection;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void close() {
    stop(Session.StopReason.SHUTDOWN);
  }

  // --- actor thread ---------------------------------------------------------------------------

  private void onTimer() {
    perform(session.tick(System.nanoTime()));
  }

  private void perform(List<Action> actions) {
    boolean routesChanged = false;
    for (Action action : actions) {
      routesChanged |= action instanceof Action.Down
          || (action instanceof Action.Send send && send.message() instanceof Update);
      switch (action) {
        case Action.Connect c -> connect();
        case Action.Send s -> write(s.message());
        case Action.Disconnect d -> disconnect();
        case Action.Up up -> listener.up(this, up.negotiated());
        case Action.Down down -> listener.down(this, down);
        case Action.Warn w -> listener.warn(this, w.message());
      }
    }
    Session.State now = session.state();
    if (now != state) {
      state = now;
      listener.state(this, now);
    }
    if (routesChanged) {
      listener.advertised(this, Map.of(
          Family.IPV4_UNICAST, session.ribOut().count(Family.IPV4_UNICAST),
          Family.IPV6_UNICAST, session.ribOut().count(Family.IPV6_UNICAST)));
    }
    reschedule();
  }

  private void reschedule() {
    if (timer != null) {
      timer.cancel(false);
    }
    long deadline = session.nextDeadline();
    if (deadline != Long.MAX_VALUE && !actor.isShutdown()) {
      long delay = Math.max(0, deadline - System.nanoTime());
      timer = actor.schedule(this::onTimer, delay, TimeUnit.NANOSECONDS);
    }
  }

  private void write(BgpMessage message) {
    TcpConnection c = connection;
    if (c == null) {
      return;
    }
    try {
      c.write(session.codec().encode(message), Duration.ofSeconds(5));
      listener.sent(this, message);
    } catch (IOException e) {
      int g = generation;
      actor.execute(() -> closedBy(g, "write failed: " + e.getMessage()));
    }
  }

  private void disconnect() {
    generation++;
    TcpConnection c = connection;
    connection = null;
    if (c != null) {
      c.close();
    }
  }

  private void connect() {
    int g = ++generation;
    Thread.ofPlatform().daemon().name("bgp-read-" + endpoint.name()).start(() -> run(g));
  }

  private void connected(int g, TcpConnection c) {
    if (g != generation || closing) {
      c.close();
      return;
    }
    connection = c;
    Map<Family, InetAddress> hops = NextHops.resolve(c.localAddress().getAddress(),
        endpoint.dualStack(), endpoint.nodeAddresses());
    if (endpoint.dualStack() && hops.size() < 2) {
      listener.warn(this, "no address of the other family on this node: announcing only "
          + hops.keySet());
    }
    perform(session.connected(System.nanoTime(), hops));
  }

  private void closedBy(int g, String reason) {
    if (g == generation) {
      perform(session.closed(System.nanoTime(), reason));
    }
  }

  // --- reader thread --------------------------------------------------------------------------

  private void run(int g) {
    TcpConnection c;
    try {
      c = TcpConnection.connect(endpoint.address(), endpoint.source(), keys.key(), endpoint.ttl(),
          endpoint.connectTimeout(), () -> closing || g != generation);
    } catch (IOException | RuntimeException e) {
      post(() -> {
        if (g == generation) {
          perform(session.connectFailed(System.nanoTime(), e.getMessage()));
        }
      });
      return;
    }
    post(() -> connected(g, c));
    byte[] buffer = new byte[Codec.MAX_LENGTH * 2];
    int filled = 0;
    try {
      while (!closing) {
        int n = c.read(buffer, filled);
        if (n < 0) {
          post(() -> closedBy(g, "peer closed the connection"));
          return;
        }
        filled += n;
        while (filled >= Codec.HEADER_LENGTH) {
          int length;
          try {
            length = Codec.frameLength(buffer);
          } catch (MessageError e) {
            post(() -> {
              if (g == generation) {
                perform(session.malformed(System.nanoTime(), e));
              }
            });
            return;
          }
          if (filled < length) {
            break;
          }
          byte[] frame = Arrays.copyOf(buffer, length);
          System.arraycopy(buffer, length, buffer, 0, filled - length);
          filled -= length;
          post(() -> received(g, frame));
        }
      }
    } catch (IOException e) {
      post(() -> closedBy(g, e.getMessage()));
    }
  }

  private void received(int g, byte[] frame) {
    if (g != generation) {
      return;
    }
    try {
      perform(session.received(System.nanoTime(), session.codec().decode(frame)));
    } catch (MessageError e) {
      perform(session.malformed(System.nanoTime(), e));
    } catch (RuntimeException e) {
      // A decoder bug must not kill the speaker: answer as for a malformed message.
      LOG.error("BGP peer {}: cannot handle a message", endpoint.name(), e);
      perform(session.malformed(System.nanoTime(), new MessageError(
          dev.fairlead.lb.baremetal.speaker.bgp.wire.Notification.of(6, 0), e.toString())));
    }
  }

  private void post(Runnable task) {
    try {
      actor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopped
    }
  }
}
