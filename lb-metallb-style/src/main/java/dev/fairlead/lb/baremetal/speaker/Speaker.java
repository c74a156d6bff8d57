package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.speaker.bfd.BfdService;
import dev.fairlead.lb.baremetal.speaker.bgp.BgpSpeaker;
import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.lb.baremetal.speaker.election.Addresses;
import dev.fairlead.lb.baremetal.speaker.election.Assignment;
import dev.fairlead.lb.baremetal.speaker.election.Election;
import dev.fairlead.lb.baremetal.speaker.election.NodeInfo;
import dev.fairlead.lb.baremetal.speaker.election.ServiceRef;
import dev.fairlead.lb.baremetal.speaker.election.VipService;
import dev.fairlead.lb.baremetal.speaker.membership.JGroupsMembership;
import dev.fairlead.lb.baremetal.speaker.membership.Membership;
import dev.fairlead.lb.baremetal.speaker.membership.MembershipSettings;
import dev.fairlead.lb.baremetal.speaker.net.Link;
import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker: watches the cluster and the membership, re-runs the election after every change
 * (coalesced, on one thread) and hands the result to the {@link Announcer}.
 *
 * <p>Start order matters for "never answer for an address that is not an assigned, elected VIP":
 * the caches are synced first, then the raw sockets open with nothing held, then the membership is
 * joined, and only then does the first election run.
 */
final class Speaker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Speaker.class);

  private final SpeakerSettings settings;
  private final KubernetesClient client;
  private final List<Link> links;
  private final SpeakerMetrics metrics;
  private final ExecutorService sync = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "election");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean syncPending = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean ready;
  private KubeState kube;
  private Membership membership;
  private Announcer announcer;
  private ServiceEvents events;
  private BgpSpeaker bgp;
  private Set<String> lastMembers = Set.of();
  private final java.util.concurrent.ScheduledExecutorService linkCheck =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "link-check");
        t.setDaemon(true);
        return t;
      });
  private volatile boolean linksDown;
  private long carrierSince;

  Speaker(SpeakerSettings settings, KubernetesClient client, List<Link> links, SpeakerMetrics metrics) {
    this.settings = settings;
    this.client = client;
    this.links = List.copyOf(links);
    this.metrics = metrics;
  }

  boolean ready() {
    return ready;
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
    events = new ServiceEvents(client, settings.nodeName());
    bgp = new BgpSpeaker(settings.nodeName(), client, metrics.registry(), settings.secretNamespace(),
        BfdService.PORT);
    announcer = new Announcer(links, metrics, settings.probeTimeout(), this::speakerOf, events);
    announcer.start();
    membership = new JGroupsMembership(new MembershipSettings(settings.nodeName(), bind,
        settings.membershipPort(), seeds.stream().distinct().toList(), settings.failureTimeout(),
        settings.heartbeatInterval(), settings.verifyTimeout()),
        links.stream().map(Link::mac).toList());
    membership.start(this::requestSync);
    linkCheck.scheduleWithFixedDelay(this::checkLinks, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    ready = true;
    LOG.info("speaker on node {} ready: membership on {}:{}, {} seed(s)", settings.nodeName(),
        bind.getHostAddress(), settings.membershipPort(), seeds.size());
    requestSync();
  }

  /**
   * A node whose announcing interfaces all lost carrier cannot serve its VIPs even if its membership
   * traffic still flows (for example over another NIC): it releases everything and leaves the group,
   * so the others take over at once. It rejoins after carrier has been back for a second.
   */
  private void checkLinks() {
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
    java.nio.file.Path operstate = java.nio.file.Path.of("/sys/class/net", name, "operstate");
    try {
      String state = java.nio.file.Files.readString(operstate).strip();
      return state.equals("up") || state.equals("unknown");
    } catch (java.io.IOException e) {
      return true; // no sysfs: do not guess
    }
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
      List<VipService> services = ClusterModel.services(kube.services(), kube.slices(),
          kube.pools(), settings.loadBalancerClass());
      // Pools a BGPAdvertisement selects are announced by BGP, not by ARP/NDP.
      Set<String> bgpPools = BgpSpeaker.bgpPools(kube.pools(), kube.bgpAdvertisements());
      Map<InetAddress, Assignment> result = Election.elect(nodes, withoutPools(services, bgpPools),
          members);
      Map<InetAddress, List<ServiceRef>> won =
          linksDown ? Map.of() : Election.wonBy(result, settings.nodeName());
      metrics.election();
      if (LOG.isDebugEnabled()) {
        result.values().forEach(a -> LOG.debug("{} -> {} (candidates {})",
            Addresses.format(a.vip()), a.owner().orElse("nobody"), a.candidates()));
      }
      announcer.reconcile(won, membersChanged);
      reconcileBgp(nodes, services);
    } catch (RuntimeException e) {
      LOG.error("election failed; keeping the previous result", e);
    }
  }

  private void reconcileBgp(List<NodeInfo> nodes, List<VipService> services) {
    Optional<NodeInfo> self = nodes.stream().filter(n -> n.name().equals(settings.nodeName())).findFirst();
    Map<String, String> labels = kube.nodes().stream()
        .filter(n -> n.getMetadata().getName().equals(settings.nodeName()))
        .findFirst().map(n -> n.getMetadata().getLabels()).orElse(null);
    bgp.reconcile(new BgpSpeaker.Inputs(labels == null ? Map.of() : labels,
        self.map(NodeInfo::eligible).orElse(false),
        self.map(NodeInfo::internalIps).orElse(List.of()), kube.bgpPeers(),
        kube.bgpAdvertisements(), kube.bfdProfiles(), kube.pools(), services));
  }

  private List<VipService> withoutPools(List<VipService> services, Set<String> pools) {
    if (pools.isEmpty()) {
      return services;
    }
    List<AddressRange> blocks = ClusterModel.blocks(kube.pools().stream()
        .filter(p -> pools.contains(p.getMetadata().getName())).toList());
    List<VipService> kept = new ArrayList<>();
    for (VipService s : services) {
      List<InetAddress> vips = s.vips().stream()
          .filter(v -> blocks.stream().noneMatch(b -> b.contains(v))).toList();
      if (!vips.isEmpty()) {
        kept.add(new VipService(s.ref(), vips, s.localTrafficPolicy(), s.readyEndpointNodes()));
      }
    }
    return kept;
  }

  @Override
  public void close() {
    ready = false;
    linkCheck.shutdownNow();
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
    stopped.complete(null);
  }
}
