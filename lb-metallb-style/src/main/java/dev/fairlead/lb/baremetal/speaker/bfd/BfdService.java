package dev.fairlead.lb.baremetal.speaker.bfd;

import dev.fairlead.lb.baremetal.speaker.bfd.BfdPacket.State;
import dev.fairlead.lb.baremetal.speaker.net.UdpSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs single-hop BFD sessions (RFC 5881) over UDP: control packets are received on port 3784 (one
 * socket per address family) and sent from a per-session source port in 49152–65535, with TTL 255;
 * received packets with any other TTL are dropped (the GTSM check). One actor thread at maximum
 * priority owns every session, so timers are not delayed by BGP or Kubernetes work.
 */
public final class BfdService implements AutoCloseable {
  /** The single-hop control port. */
  public static final int PORT = 3784;
  private static final Logger LOG = LoggerFactory.getLogger(BfdService.class);

  /** Told about every state change, on the BFD thread; must return quickly. */
  public interface Listener {
    /**
     * A session changed state.
     *
     * @param peer the peer's address
     * @param from old state
     * @param to new state
     * @param diagnostic local diagnostic
     * @param peerAdminDown the peer went AdminDown (not a path failure, RFC 5882 §3.2)
     */
    void changed(InetAddress peer, State from, State to, int diagnostic, boolean peerAdminDown);
  }

  private final Listener listener;
  private final int port;
  private final ScheduledThreadPoolExecutor actor;
  private final Map<InetAddress, Running> sessions = new HashMap<>();
  private final Map<Boolean, UdpSocket> receivers = new HashMap<>();
  private final SplittableRandom random = new SplittableRandom();
  private volatile boolean closed;

  private final class Running {
    final InetAddress peer;
    final BfdSession session;
    final UdpSocket sender;
    ScheduledFuture<?> timer;

    Running(InetAddress peer, BfdSession session, UdpSocket sender) {
      this.peer = peer;
      this.session = session;
      this.sender = sender;
    }
  }

  /**
   * Creates the service; sockets open with the first session.
   *
   * @param listener state changes
   * @param port the receive port ({@link #PORT}; tests may use another)
   */
  public BfdService(Listener listener, int port) {
    this.listener = listener;
    this.port = port;
    this.actor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "bfd");
      t.setDaemon(true);
      t.setPriority(Thread.MAX_PRIORITY);
      return t;
    });
    actor.setRemoveOnCancelPolicy(true);
  }

  /**
   * Starts a session to {@code peer} from {@code local}, unless one runs already with the same
   * settings.
   *
   * @param peer the peer's address
   * @param local this node's address towards it
   * @param settings intervals
   * @throws IOException when a socket cannot be opened (port 3784 taken, ...)
   */
  public void add(InetAddress peer, InetAddress local, BfdSettings settings) throws IOException {
    call(() -> {
      Running existing = sessions.get(peer);
      if (existing != null) {
        return null;
      }
      receiver(peer instanceof Inet4Address);
      UdpSocket sender = openSender(local);
      long discriminator = 1 + random.nextLong(0xFFFF_FFFEL);
      Running r = new Running(peer, new BfdSession(settings, discriminator, random.split(),
          System.nanoTime()), sender);
      sessions.put(peer, r);
      LOG.info("BFD session to {} from {} (discriminator {}, {} ms x {})", peer.getHostAddress(),
          local.getHostAddress(), discriminator, settings.transmitInterval().toMillis(),
          settings.detectMultiplier());
      schedule(r);
      return null;
    });
  }

  /**
   * Stops a session, telling the peer AdminDown first.
   *
   * @param peer the peer's address
   */
  public void remove(InetAddress peer) {
    try {
      call(() -> {
        Running r = sessions.remove(peer);
        if (r != null) {
          handle(r, r.session.adminDown(System.nanoTime()));
          if (r.timer != null) {
            r.timer.cancel(false);
          }
          r.sender.close();
        }
        return null;
      });
    } catch (IOException e) {
      LOG.debug("removing BFD session to {}: {}", peer, e.getMessage());
    }
  }

  /**
   * A session's state.
   *
   * @param peer the peer's address
   * @return the state, or empty without a session
   */
  public Optional<State> state(InetAddress peer) {
    try {
      return call(() -> Optional.ofNullable(sessions.get(peer)).map(r -> r.session.state()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private UdpSocket openSender(InetAddress local) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      int sourcePort = 49152 + random.nextInt(16384); // RFC 5881 §4
      try {
        return UdpSocket.open(new InetSocketAddress(local, sourcePort), 255);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private void receiver(boolean ipv4) throws IOException {
    if (receivers.containsKey(ipv4)) {
      return;
    }
    InetAddress any = InetAddress.ofLiteral(ipv4 ? "0.0.0.0" : "::");
    UdpSocket socket = UdpSocket.open(new InetSocketAddress(any, port), 255);
    receivers.put(ipv4, socket);
    Thread.ofPlatform().daemon().name("bfd-rx-" + (ipv4 ? "v4" : "v6"))
        .priority(Thread.MAX_PRIORITY).start(() -> receive(socket));
  }

  private void receive(UdpSocket socket) {
    while (!closed) {
      try {
        socket.receive().ifPresent(d -> post(() -> dispatch(d)));
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("BFD receive failed: {}", e.getMessage());
        }
        return;
      }
    }
  }

  private void dispatch(UdpSocket.Datagram datagram) {
    if (datagram.ttl() != 255) {
      LOG.debug("BFD packet from {} with TTL {} dropped (single hop needs 255)",
          datagram.source(), datagram.ttl());
      return;
    }
    BfdPacket packet;
    try {
      packet = BfdPacket.decode(datagram.data(), datagram.data().length);
    } catch (IllegalArgumentException e) {
      LOG.debug("BFD packet from {} discarded: {}", datagram.source(), e.getMessage());
      return;
    }
    Running r = packet.yourDiscriminator() != 0
        ? sessions.values().stream()
            .filter(s -> s.session.localDiscriminator() == packet.yourDiscriminator())
            .findFirst().orElse(null)
        : sessions.get(datagram.source().getAddress());
    if (r == null || !r.peer.equals(datagram.source().getAddress())) {
      return;
    }
    handle(r, r.session.received(System.nanoTime(), packet));
    schedule(r);
  }

  private void tick(Running r) {
    if (sessions.get(r.peer) != r) {
      return;
    }
    handle(r, r.session.tick(System.nanoTime()));
    schedule(r);
  }

  private void schedule(Running r) {
    if (r.timer != null) {
      r.timer.cancel(false);
    }
    long deadline = r.session.nextDeadline();
    if (deadline != Long.MAX_VALUE && !closed) {
      r.timer = actor.schedule(() -> tick(r), Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }
  }

  private void handle(Running r, List<BfdSession.Event> events) {
    for (BfdSession.Event e : events) {
      switch (e) {
        case BfdSession.Event.Transmit t -> {
          try {
            r.sender.send(new InetSocketAddress(r.peer, port), t.packet().encode());
          } catch (IOException ex) {
            LOG.debug("BFD send to {} failed: {}", r.peer, ex.getMessage());
          }
        }
        case BfdSession.Event.StateChanged c -> {
          LOG.info("BFD with {}: {} -> {} (diagnostic {})", r.peer.getHostAddress(), c.from(), c.to(),
              c.diagnostic());
          try {
            listener.changed(r.peer, c.from(), c.to(), c.diagnostic(), c.peerAdminDown());
          } catch (RuntimeException ex) {
            LOG.error("BFD listener failed", ex);
          }
        }
      }
    }
  }

  private void post(Runnable task) {
    try {
      actor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T call(Call<T> call) throws IOException {
    try {
      return actor.submit(() -> {
        try {
          return call.run();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.io.UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.RejectedExecutionException e) {
      throw new IOException("BFD service unavailable: " + e);
    }
  }

  /** Sends AdminDown on every session and closes the sockets. */
  @Override
  public void close() {
    for (InetAddress peer : List.copyOf(sessionsSnapshot())) {
      remove(peer);
    }
    closed = true;
    receivers.values().forEach(UdpSocket::close);
    actor.shutdownNow();
  }

  private List<InetAddress> sessionsSnapshot() {
    try {
      return call(() -> List.copyOf(sessions.keySet()));
    } catch (IOException e) {
      return List.of();
    }
  }
}
