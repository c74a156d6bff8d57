package dev.fairlead.lb.baremetal.speaker.bgp;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.crd.BFDProfile;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisement;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisementStatus;
import dev.fairlead.lb.baremetal.crd.BGPPeer;
import dev.fairlead.lb.baremetal.crd.BGPPeerStatus;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.speaker.ClusterModel;
import dev.fairlead.lb.baremetal.speaker.EventRecorder;
import dev.fairlead.lb.baremetal.speaker.bfd.BfdPacket;
import dev.fairlead.lb.baremetal.speaker.bfd.BfdService;
import dev.fairlead.lb.baremetal.speaker.bgp.model.AdvertisementConfig;
import dev.fairlead.lb.baremetal.speaker.bgp.model.BgpPlan;
import dev.fairlead.lb.baremetal.speaker.bgp.model.Parsed;
import dev.fairlead.lb.baremetal.speaker.bgp.model.PeerConfig;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Action;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Negotiated;
import dev.fairlead.lb.baremetal.speaker.bgp.session.RouteAttributes;
import dev.fairlead.lb.baremetal.speaker.bgp.session.Session;
import dev.fairlead.lb.baremetal.speaker.bgp.session.SessionConfig;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.BgpMessage;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Notification;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.RouterIds;
import dev.fairlead.lb.baremetal.speaker.election.VipService;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BGP half of the speaker: turns BGPPeers, BGPAdvertisements, BFDProfiles, pools and Services
 * into one session per peer that selects this node, each advertising what {@link BgpPlan} says,
 * with BFD where a profile is set. Reports through metrics, events on the BGPPeer (session up and
 * down with the NOTIFICATION's reason) and this node's entry in the objects' status.
 *
 * <p>{@link #reconcile} is called on the speaker's election thread after every change; sessions run
 * on their own threads.
 */
public final class BgpSpeaker implements AutoCloseable {
  /** Event reason: a session reached Established. */
  public static final String SESSION_UP = "BGPSessionEstablished";
  /** Event reason: an Established session went down. */
  public static final String SESSION_DOWN = "BGPSessionDown";
  /** Event reason: a BGPPeer or BGPAdvertisement is invalid. */
  public static final String INVALID = "InvalidConfiguration";

  private static final Logger LOG = LoggerFactory.getLogger(BgpSpeaker.class);
  private static final int RESTART_TIME = 120;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Everything one reconcile looks at.
   *
   * @param nodeLabels this node's labels
   * @param nodeEligible not excluded from load balancers and not NetworkUnavailable
   * @param nodeAddresses this node's InternalIPs (router ID, next-hop fallback)
   * @param peers BGPPeers
   * @param advertisements BGPAdvertisements
   * @param profiles BFDProfiles
   * @param pools IPAddressPools
   * @param services LoadBalancer Services with pool addresses
   */
  public record Inputs(Map<String, String> nodeLabels, boolean nodeEligible,
      List<InetAddress> nodeAddresses, Collection<BGPPeer> peers,
      Collection<BGPAdvertisement> advertisements, Collection<BFDProfile> profiles,
      Collection<IPAddressPool> pools, List<VipService> services) {}

  private final String node;
  private final KubernetesClient client;
  private final String secretNamespace;
  private final BgpMetrics metrics;
  private final EventRecorder events;
  private final StatusWriter status;
  private final BfdService bfd;
  private final Map<String, Running> sessions = new ConcurrentHashMap<>();
  private final Set<String> startedOnce = new HashSet<>();
  private final Map<String, String> reportedErrors = new HashMap<>();
  private final Set<String> advertisementsSeen = new HashSet<>();
  private final ExecutorService stopper = Executors.newVirtualThreadPerTaskExecutor();

  /** A session and what it is for. */
  private final class Running implements PeerSession.Listener {
    final PeerConfig config;
    final PeerSession session;
    volatile Session.State state = Session.State.IDLE;
    volatile Instant since = Instant.now();
    volatile String lastError;
    volatile Map<Family, Integer> counts = Map.of();
    volatile String bfdState;

    Running(PeerConfig config, SessionConfig sessionConfig, List<InetAddress> nodeAddresses) {
      this.config = config;
      this.session = new PeerSession(new PeerSession.Endpoint(config.name(),
          new InetSocketAddress(config.address(), config.port()), config.source(), config.ttl(),
          config.dualStack(), CONNECT_TIMEOUT, nodeAddresses), sessionConfig, this::key, this);
      this.bfdState = config.bfd().isPresent() ? "Down" : null;
    }

    Optional<byte[]> key() throws IOException {
      if (config.passwordSecret().isEmpty()) {
        return Optional.empty();
      }
      PeerConfig.SecretRef ref = config.passwordSecret().get();
      Secret secret;
      try {
        secret = client.secrets().inNamespace(ref.namespace()).withName(ref.name()).get();
      } catch (RuntimeException e) {
        throw new IOException("cannot read Secret " + ref.namespace() + "/" + ref.name() + ": "
            + e.getMessage(), e);
      }
      if (secret == null) {
        throw new IOException("Secret " + ref.namespace() + "/" + ref.name() + " does not exist");
      }
      String encoded = secret.getData() == null ? null : secret.getData().get("password");
      if (encoded == null || encoded.isEmpty()) {
        throw new IOException("Secret " + ref.namespace() + "/" + ref.name() + " has no 'password' key");
      }
      return Optional.of(Base64.getDecoder().decode(encoded));
    }

    @Override
    public void up(PeerSession s, Negotiated n) {
      lastError = null;
      metrics.up(config.name(), true);
      InetAddress local = n.nextHops().get(Family.of(config.address()));
      record("Normal", SESSION_UP, "node " + node + ": session with " + config.address().getHostAddress()
          + " (AS " + n.peerOpen().asn() + ", router ID " + n.peerOpen().routerId()
          + ") established; hold time " + n.holdTime() + " s, families " + n.families()
          + (n.gracefulRestart() ? ", graceful restart" : ""));
      if (config.bfd().isPresent() && local != null) {
        try {
          bfd.add(config.address(), local, config.bfd().get());
        } catch (IOException e) {
          lastError = "BFD: " + e.getMessage();
          LOG.warn("peer {}: cannot start BFD: {}", config.name(), e.getMessage());
        }
      }
      publish();
    }

    @Override
    public void down(PeerSession s, Action.Down down) {
      lastError = down.reason();
      down.received().ifPresent(n -> metrics.notification(config.name(), false, n));
      if (down.wasEstablished()) {
        if (current()) {
          metrics.up(config.name(), false);
        }
        record("Warning", SESSION_DOWN, "node " + node + ": session with "
            + config.address().getHostAddress() + " down: " + down.reason());
      }
      LOG.info("peer {}: {}", config.name(), down.reason());
      publish();
    }

    @Override
    public void sent(PeerSession s, BgpMessage message) {
      if (message instanceof dev.fairlead.lb.baremetal.speaker.bgp.wire.Update) {
        metrics.update(config.name());
      } else if (message instanceof Notification n) {
        metrics.notification(config.name(), true, n);
      }
    }

    @Override
    public void warn(PeerSession s, String message) {
      if (message.startsWith("UPDATE treated as withdraw")) {
        metrics.treatAsWithdraw(config.name());
      }
      LOG.warn("peer {}: {}", config.name(), message);
    }

    @Override
    public void state(PeerSession s, Session.State to) {
      boolean establishedChanged = (to == Session.State.ESTABLISHED) != (state == Session.State.ESTABLISHED);
      state = to;
      if (establishedChanged) {
        since = Instant.now();
        publish();
      }
      // Idle/Connect/OpenSent flips while a router is unreachable are not written (one API write
      // per attempt per node would add up); the status changes when the error text does.
    }

    @Override
    public void advertised(PeerSession s, Map<Family, Integer> counts) {
      this.counts = counts;
      if (current()) {
        counts.forEach((f, c) -> metrics.prefixes(config.name(), f, c));
      }
      publish();
    }

    /** Whether this is still the peer's session (a replaced one winds down on its own). */
    boolean current() {
      return sessions.get(config.name()) == this;
    }

    void publish() {
      if (!current()) {
        return;
      }
      status.peer(config.name(), new BGPPeerStatus.Session(
          state == Session.State.ESTABLISHED ? "Established" : "Down",
          since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), lastError,
          counts.getOrDefault(Family.IPV4_UNICAST, 0), counts.getOrDefault(Family.IPV6_UNICAST, 0),
          bfdState));
    }

    void record(String type, String reason, String message) {
      events.record(peerRef(config.name()), "default", type, reason, message);
    }
  }

  /**
   * Creates the BGP runtime; nothing connects before the first {@link #reconcile}.
   *
   * @param node this node's name
   * @param client the API client (Secrets, Events, status)
   * @param registry where the metrics go
   * @param secretNamespace namespace of password Secrets that name none
   * @param bfdPort the BFD control port ({@link BfdService#PORT})
   */
  public BgpSpeaker(String node, KubernetesClient client, PrometheusRegistry registry,
      String secretNamespace, int bfdPort) {
    this.node = node;
    this.client = client;
    this.secretNamespace = secretNamespace;
    this.metrics = new BgpMetrics(registry);
    this.events = new EventRecorder(client, node);
    this.status = new StatusWriter(client, node);
    this.bfd = new BfdService(this::bfdChanged, bfdPort);
  }

  /**
   * The pools announced by BGP (selected by a valid BGPAdvertisement).
   *
   * @param pools the pools
   * @param advertisements the advertisements
   * @return pool names
   */
  public static Set<String> bgpPools(Collection<IPAddressPool> pools,
      Collection<BGPAdvertisement> advertisements) {
    return BgpPlan.bgpPools(ClusterModel.pools(pools), advertisements.stream()
        .map(AdvertisementConfig::parse).flatMap(p -> p.value().stream()).toList());
  }

  /**
   * Brings sessions and advertisements to what the inputs say.
   *
   * @param in the cluster as this node sees it
   */
  public synchronized void reconcile(Inputs in) {
    Map<String, BFDProfile> profiles = new HashMap<>();
    in.profiles().forEach(p -> profiles.put(p.getMetadata().getName(), p));
    List<PeerConfig> peers = new ArrayList<>();
    for (BGPPeer peer : in.peers()) {
      String name = peer.getMetadata().getName();
      Parsed<PeerConfig> parsed = PeerConfig.parse(peer, profiles, secretNamespace);
      parsed.value().ifPresent(peers::add);
      report("BGPPeer/" + name, peerRef(name), parsed.error());
      if (parsed.error().isPresent()) {
        status.peer(name, new BGPPeerStatus.Session(null, null, parsed.error().get(), null, null, null));
      }
    }
    List<AdvertisementConfig> ads = new ArrayList<>();
    Set<String> adNames = new HashSet<>();
    for (BGPAdvertisement ad : in.advertisements()) {
      String name = ad.getMetadata().getName();
      adNames.add(name);
      Parsed<AdvertisementConfig> parsed = AdvertisementConfig.parse(ad);
      parsed.value().ifPresent(ads::add);
      report("BGPAdvertisement/" + name, advertisementRef(name), parsed.error());
      if (parsed.error().isPresent()) {
        status.advertisement(name, new BGPAdvertisementStatus.Node(0, List.of(), parsed.error().get()));
      }
    }
    BgpPlan plan = BgpPlan.of(new BgpPlan.Inputs(node, in.nodeLabels(), in.nodeEligible(), peers,
        ads, ClusterModel.pools(in.pools()), in.services()));
    plan.advertisements().forEach((name, r) -> status.advertisement(name,
        new BGPAdvertisementStatus.Node(r.prefixes(), r.peers().stream().sorted().toList(),
            r.error().orElse(null))));
    advertisementsSeen.retainAll(adNames);
    advertisementsSeen.addAll(plan.advertisements().keySet());

    for (String name : List.copyOf(sessions.keySet())) {
      if (!plan.routes().containsKey(name)) {
        Running gone = sessions.remove(name);
        stopper.execute(() -> gone.session.stop(Session.StopReason.DECONFIGURED));
        bfd.remove(gone.config.address());
        metrics.forget(name);
        status.peer(name, null);
        LOG.info("peer {}: no longer configured for node {}", name, node);
      }
    }
    for (PeerConfig peer : peers) {
      Map<Cidr, RouteAttributes> routes = plan.routes().get(peer.name());
      if (routes == null) {
        continue;
      }
      Running running = sessions.get(peer.name());
      Running replaced = null;
      if (running != null && !running.config.equals(peer)) {
        replaced = running;
        if (!replaced.config.address().equals(peer.address()) || peer.bfd().isEmpty()) {
          bfd.remove(replaced.config.address());
        }
        running = null;
      }
      if (running == null) {
        running = new Running(peer, sessionConfig(peer, in.nodeAddresses()), in.nodeAddresses());
        sessions.put(peer.name(), running);
        running.session.advertise(routes);
        if (replaced == null) {
          running.session.start();
        } else {
          // One connection per router at a time: a second one while the old is still open is a
          // collision the router resolves by closing one of them (RFC 4271 §6.8).
          Running old = replaced;
          Running next = running;
          stopper.execute(() -> {
            old.session.stop(Session.StopReason.CONFIG_CHANGED);
            next.session.start();
          });
        }
        running.publish();
        LOG.info("peer {}: connecting to {} port {} (AS {} -> AS {})", peer.name(),
            peer.address().getHostAddress(), peer.port(), peer.myAsn(), peer.peerAsn());
      } else {
        running.session.advertise(routes);
      }
    }
  }

  private SessionConfig sessionConfig(PeerConfig peer, List<InetAddress> nodeAddresses) {
    long routerId = peer.routerId().map(RouterIds::of)
        .or(() -> peer.source().filter(Inet4Address.class::isInstance)
            .map(a -> RouterIds.of((Inet4Address) a)))
        .or(() -> nodeAddresses.stream().filter(Inet4Address.class::isInstance).findFirst()
            .map(a -> RouterIds.of((Inet4Address) a)))
        .orElseGet(() -> {
          CRC32 crc = new CRC32(); // MetalLB's fallback: a hash of the node name
          crc.update(node.getBytes(StandardCharsets.UTF_8));
          return crc.getValue() == 0 ? 1 : crc.getValue();
        });
    boolean restarted = startedOnce.add(peer.name());
    return new SessionConfig(peer.myAsn(), peer.peerAsn(), routerId, peer.holdTime(),
        peer.keepaliveTime(), peer.gracefulRestart(), RESTART_TIME, restarted,
        Duration.ofSeconds(1), peer.connectTime());
  }

  private void bfdChanged(InetAddress peer, BfdPacket.State from, BfdPacket.State to, int diag,
      boolean peerAdminDown) {
    for (Running r : sessions.values()) {
      if (r.config.address().equals(peer)) {
        r.bfdState = switch (to) {
          case UP -> "Up";
          case DOWN -> "Down";
          case INIT -> "Init";
          case ADMIN_DOWN -> "AdminDown";
        };
        metrics.bfd(r.config.name(), to == BfdPacket.State.UP);
        if (from == BfdPacket.State.UP && to == BfdPacket.State.DOWN && !peerAdminDown) {
          LOG.warn("peer {}: BFD down (diagnostic {}): resetting the BGP session",
              r.config.name(), diag);
          r.session.interrupt(Session.StopReason.BFD_DOWN);
        }
        r.publish();
      }
    }
  }

  private void report(String key, ObjectReference ref, Optional<String> error) {
    String before = reportedErrors.get(key);
    if (error.isPresent() && !error.get().equals(before)) {
      reportedErrors.put(key, error.get());
      LOG.warn("{} is invalid: {}", key, error.get());
      events.record(ref, "default", "Warning", INVALID, "node " + node + ": " + error.get());
    } else if (error.isEmpty()) {
      reportedErrors.remove(key);
    }
  }

  private static ObjectReference peerRef(String name) {
    return new ObjectReferenceBuilder().withApiVersion("baremetal.fairlead.dev/v1alpha1")
        .withKind("BGPPeer").withName(name).build();
  }

  private static ObjectReference advertisementRef(String name) {
    return new ObjectReferenceBuilder().withApiVersion("baremetal.fairlead.dev/v1alpha1")
        .withKind("BGPAdvertisement").withName(name).build();
  }

  /**
   * Stops every session as a speaker restart: with graceful restart negotiated the routers keep
   * this node's routes until it is back; without it they are withdrawn with a Cease.
   */
  @Override
  public void close() {
    List<Thread> stopping = new ArrayList<>();
    for (Running r : sessions.values()) {
      stopping.add(Thread.ofVirtual().start(() -> r.session.stop(Session.StopReason.SHUTDOWN)));
    }
    for (Thread t : stopping) {
      try {
        t.join(Duration.ofSeconds(6));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sessions.clear();
    bfd.close();
    stopper.shutdown();
    status.close();
    events.close();
  }
}
