package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.speaker.bfd.BfdService;
import dev.fairlead.lb.baremetal.speaker.bgp.BgpSpeaker;
import dev.fairlead.lb.baremetal.speaker.election.Addresses;
import dev.fairlead.lb.baremetal.speaker.election.Advertisement;
import dev.fairlead.lb.baremetal.speaker.election.Advertisements;
import dev.fairlead.lb.baremetal.speaker.election.Assignment;
import dev.fairlead.lb.baremetal.speaker.election.Election;
import dev.fairlead.lb.baremetal.speaker.election.NodeInfo;
import dev.fairlead.lb.baremetal.speaker.election.PoolInfo;
import dev.fairlead.lb.baremetal.speaker.election.VipService;
import dev.fairlead.lb.baremetal.speaker.membership.JGroupsMembership;
import dev.fairlead.lb.baremetal.speaker.membership.Keyring;
import dev.fairlead.lb.baremetal.speaker.membership.Membership;
import dev.fairlead.lb.baremetal.speaker.membership.MembershipSettings;
import dev.fairlead.lb.baremetal.speaker.membership.Outvoted;
import dev.fairlead.lb.baremetal.speaker.membership.Refusal;
import dev.fairlead.lb.baremetal.speaker.net.Link;
import dev.fairlead.lb.baremetal.speaker.net.LinkMonitor;
import dev.fairlead.lb.baremetal.speaker.net.Links;
import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker: watches the cluster, the membership and the interfaces, re-runs the election after
 * every change (coalesced, on one thread) and hands the result to the {@link Announcer}.
 *
 * <p>Start order matters for "never answer for an address that is not an assigned, elected VIP":
 * the caches are synced and the membership keys read first, then the raw sockets open with nothing
 * held, then the membership is joined, and only then does the first election run.
 */
final class Speaker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Speaker.class);
  /** How often interfaces are re-read even without a kernel notification. */
  private static final Duration LINK_RESCAN = Duration.ofSeconds(10);

  private final SpeakerSettings settings;
  private final KubernetesClient client;
  private final Links system;
  private final SpeakerMetrics metrics;
  private final ExecutorService sync =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("election").factory());
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("speaker-timers").factory());
  private final AtomicBoolean syncPending = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Map<String, Long> refusalLogged = new ConcurrentHashMap<>();
  private volatile boolean ready;
  private volatile List<Link> links;
  private volatile boolean linksDown;
  private volatile boolean standingDown;
  private long carrierSince;
  private InetAddress bind;
  private volatile boolean startupGrace;
  private volatile long aloneUntil;
  private Set<String> lastMembers = Set.of();
  private KubeState kube;
  private MembershipSecret secret;
  private Membership membership;
  private Announcer announcer;
  private ServiceEvents events;
  private AdvertisementStatusWriter statusWriter;
  private LinkMonitor linkMonitor;
  private BgpSpeaker bgp;

  Speaker(SpeakerSettings settings, KubernetesClient client, Links system, List<Link> links,
      SpeakerMetrics metrics) {
    this.settings = settings;
    this.client = client;
    this.system = system;
    this.links = List.copyOf(links);
    this.metrics = metrics;
  }

  boolean ready() {
    return ready && !standingDown;
  }

  CompletableFuture<Void> stopped() {
    return stopped;
  }

  void start() throws Exception {
    kube = new KubeState(client, this::requestSync);
    kube.start(Duration.ofMinutes(2));
    List<NodeInfo> nodes = ClusterModel.nodes(kube.nodes());
    InetAddress bind = settings.bindAddress().orElseGet(() -> nodes.stream()
        .filter(n -> n.name().equals(settings.nodeName()))
        .flatMap(n -> n.internalIps().stream())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("Node " + settings.nodeName()
            + " has no InternalIP (or does not exist); pass --bind-address")));
    this.bind = bind;
    List<InetSocketAddress> seeds = seeds(nodes);
    Keyring keys = null;
    if (settings.membershipSecret().isPresent()) {
      SpeakerSettings.SecretRef ref = settings.membershipSecret().get();
      secret = new MembershipSecret(client, ref.namespace(), ref.name(), metrics);
      keys = secret.start(this::rekey);
    } else {
      LOG.warn("membership runs WITHOUT keys (--insecure-membership): any process that reaches port"
          + " {} can join the speakers and influence which node answers for a VIP",
          settings.membershipPort());
    }
    events = new ServiceEvents(client, settings.nodeName());
    bgp = new BgpSpeaker(settings.nodeName(), client, metrics.registry(), settings.secretNamespace(),
        BfdService.PORT);
    statusWriter = new AdvertisementStatusWriter(client, settings.nodeName(), Clock.systemUTC());
    announcer = new Announcer(metrics, settings.probeTimeout(), this::speakerOf, events);
    announcer.start(links);
    linkMonitor = new LinkMonitor(this::refreshLinks, LINK_RESCAN);
    membership = new JGroupsMembership(new MembershipSettings(settings.nodeName(), bind,
        settings.membershipPort(), seeds, settings.failureTimeout(),
        settings.heartbeatInterval(), settings.verifyTimeout()),
        links.stream().map(Link::mac).distinct().toList(), keys, this::refused);
    membership.start(this::requestSync);
    if (membership.members().size() == 1 && nodes.size() > 1) {
      // Alone although other Nodes exist: either the first speaker up, or refused by the others
      // (wrong key). Their periodic discovery tells within one round; until then, answer nothing.
      aloneUntil = System.nanoTime() + JGroupsMembership.DISCOVERY_ROUND.toNanos();
      startupGrace = true;
      timers.schedule(this::requestSync, JGroupsMembership.DISCOVERY_ROUND.toMillis() + 50,
          TimeUnit.MILLISECONDS);
      LOG.info("no other speaker answered yet; waiting {} ms for their discovery before announcing",
          JGroupsMembership.DISCOVERY_ROUND.toMillis());
    }
    timers.scheduleWithFixedDelay(this::checkCarrier, 250, 250, TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(this::checkOutvoted, 1, 1, TimeUnit.SECONDS);
    ready = true;
    LOG.info("speaker on node {} ready: membership on {}:{}, {} seed(s), {}", settings.nodeName(),
        bind.getHostAddress(), settings.membershipPort(), seeds.size(),
        keys == null ? "no keys" : "keys " + keys);
    requestSync();
  }

  /**
   * The membership seeds: {@code --peers}, or every Node's InternalIP of the bind address's family,
   * this node included.
   */
  private List<InetSocketAddress> seeds(List<NodeInfo> nodes) {
    List<InetSocketAddress> seeds = new ArrayList<>(settings.peers());
    if (seeds.isEmpty()) {
      for (NodeInfo node : nodes) {
        node.internalIps().stream()
            .filter(ip -> ip.getClass() == bind.getClass())
            .findFirst()
            .ifPresent(ip -> seeds.add(new InetSocketAddress(ip, settings.membershipPort())));
      }
    }
    seeds.add(new InetSocketAddress(bind, settings.membershipPort()));
    return seeds.stream().distinct().toList();
  }

  /** Re-reads the interfaces (kernel notification or periodic) and updates the sockets. */
  private void refreshLinks() {
    Announcer a = announcer;
    if (a == null) {
      return;
    }
    List<Link> now = system.select(settings.interfaces());
    if (!now.equals(links)) {
      links = List.copyOf(now);
      a.updateLinks(now);
    }
  }

  /**
   * A node whose announcing interfaces all lost carrier cannot serve its VIPs even if its membership
   * traffic still flows (for example over another NIC): it releases everything and leaves the group,
   * so the others take over at once. It rejoins after carrier has been back for a second.
   */
  private void checkCarrier() {
    boolean up = links.stream().anyMatch(link -> carrier(link.name()));
    long now = System.nanoTime();
    if (!up) {
      carrierSince = 0;
      if (!linksDown) {
        linksDown = true;
        LOG.warn("no carrier on {}: releasing every VIP and leaving the speaker group",
            links.stream().map(Link::name).toList());
        sync.execute(() -> {
          announcer.reconcile(Map.of(), false);
          membership.close();
        });
      }
    } else if (linksDown) {
      if (carrierSince == 0) {
        carrierSince = now;
      } else if (now - carrierSince >= Duration.ofSeconds(1).toNanos()) {
        linksDown = false;
        carrierSince = 0;
        LOG.info("carrier is back: rejoining the speaker group");
        sync.execute(() -> {
          try {
            membership.start(this::requestSync);
          } catch (Exception e) {
            LOG.error("cannot rejoin the speaker group: {}", e.getMessage());
          }
          requestSync();
        });
      }
    }
  }

  static boolean carrier(String name) {
    Path operstate = Path.of("/sys/class/net", name, "operstate");
    try {
      String state = Files.readString(operstate).strip();
      return state.equals("up") || state.equals("unknown");
    } catch (IOException e) {
      return true; // no sysfs: do not guess
    }
  }

  private void rekey(Keyring keys) {
    Membership m = membership;
    if (m != null) {
      m.rekey(keys);
      requestSync();
    }
  }

  /**
   * Counts refused membership traffic and logs it, once per peer and reason per minute; a new
   * refusing peer re-runs the election (it may mean this speaker is the odd one out).
   */
  private void refused(Refusal refusal) {
    metrics.refused(refusal.reason().label());
    String key = refusal.peer() + "|" + refusal.reason();
    long now = System.nanoTime();
    Long last = refusalLogged.get(key);
    if (last == null || now - last > Duration.ofMinutes(1).toNanos()) {
      refusalLogged.put(key, now);
      LOG.warn("refused membership traffic from {}: {}{}", refusal.peer(), refusal.reason().text(),
          secret == null ? "" : " (keys from Secret " + secret.reference() + ")");
      requestSync();
    }
  }

  /** Re-runs the election when the stand-down verdict would change (refusals age out). */
  private void checkOutvoted() {
    if (ready && outvoted(membership.members().keySet()) != standingDown) {
      requestSync();
    }
  }

  private boolean outvoted(Set<String> members) {
    Set<String> nodes = new HashSet<>();
    kube.nodes().forEach(n -> nodes.add(n.getMetadata().getName()));
    return Outvoted.standDown(Outvoted.refusers(membership.refusedBy(), members, nodes), members);
  }

  private Optional<String> speakerOf(Mac mac) {
    Membership m = membership;
    if (m == null) {
      return Optional.empty();
    }
    return m.speakerOf(mac);
  }

  /** Schedules an election run; several requests before it starts collapse into one. */
  private void requestSync() {
    if (ready && syncPending.compareAndSet(false, true)) {
      sync.execute(this::runElection);
    }
  }

  private void runElection() {
    syncPending.set(false);
    try {
      Set<String> members = membership.members().keySet();
      boolean membersChanged = !members.equals(lastMembers);
      lastMembers = members;
      metrics.members(members.size());
      List<NodeInfo> nodes = ClusterModel.nodes(kube.nodes());
      membership.seeds(seeds(nodes));
      List<PoolInfo> pools = ClusterModel.pools(kube.pools());
      List<Advertisement> ads = ClusterModel.advertisements(kube.l2Advertisements());
      List<VipService> services = ClusterModel.services(kube.services(), kube.slices(),
          kube.pools(), settings.loadBalancerClass());
      // Pools a (valid) BGPAdvertisement selects are BGP's, unless an L2Advertisement takes them.
      Set<String> bgpPools = BgpSpeaker.bgpPools(kube.pools(), kube.bgpAdvertisements());
      Map<InetAddress, Assignment> result = Election.elect(nodes, services, members,
          Advertisements.rules(pools, ads, bgpPools));
      boolean outvoted = outvoted(members);
      if (outvoted != standingDown) {
        standingDown = outvoted;
        metrics.standingDown(outvoted);
        if (outvoted) {
          LOG.error("standing down: the speakers on {} refuse this speaker's membership traffic and"
              + " it refuses theirs, and they are at least as many as this speaker's group {};"
              + " this speaker holds a different membership key (or none){}; it answers for no"
              + " address until that is fixed", membership.refusedBy(), members,
              secret == null ? "" : ", check Secret " + secret.reference());
        } else {
          LOG.info("no longer outvoted: announcing again");
        }
      }
      if (startupGrace && (members.size() > 1 || System.nanoTime() - aloneUntil >= 0)) {
        startupGrace = false;
      }
      boolean waiting = startupGrace;
      boolean active = !linksDown && !outvoted && !waiting;
      Map<InetAddress, Assignment> won = active ? Election.wonBy(result, settings.nodeName()) : Map.of();
      metrics.election();
      if (LOG.isDebugEnabled()) {
        result.values().forEach(a -> LOG.debug("{} -> {} (candidates {})",
            Addresses.format(a.vip()), a.owner().orElse("nobody"), a.candidates()));
      }
      announcer.reconcile(won, membersChanged);
      boolean writer = active && members.stream().sorted().findFirst()
          .filter(settings.nodeName()::equals).isPresent();
      statusWriter.update(writer, kube.l2Advertisements(), pools);
      reconcileBgp(nodes, services);
    } catch (RuntimeException e) {
      LOG.error("election failed; keeping the previous result", e);
    }
  }

  private void reconcileBgp(List<NodeInfo> nodes, List<VipService> services) {
    Optional<NodeInfo> self = nodes.stream().filter(n -> n.name().equals(settings.nodeName())).findFirst();
    bgp.reconcile(new BgpSpeaker.Inputs(self.map(NodeInfo::labels).orElse(Map.of()),
        self.map(NodeInfo::eligible).orElse(false),
        self.map(NodeInfo::internalIps).orElse(List.of()), kube.bgpPeers(),
        kube.bgpAdvertisements(), kube.bfdProfiles(), kube.pools(), services));
  }

  @Override
  public void close() {
    ready = false;
    timers.shutdownNow();
    if (linkMonitor != null) {
      linkMonitor.close();
    }
    if (bgp != null) {
      bgp.close(); // graceful restart keeps the routes at the routers while this speaker is away
    }
    if (announcer != null) {
      announcer.close(); // stop answering first, then leave: the others take over at once
    }
    if (membership != null) {
      membership.close();
    }
    sync.shutdownNow();
    if (kube != null) {
      kube.close();
    }
    if (events != null) {
      events.close();
    }
    if (statusWriter != null) {
      statusWriter.close();
    }
    if (secret != null) {
      secret.close();
    }
    stopped.complete(null);
  }
}
