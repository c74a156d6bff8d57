package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.speaker.election.Addresses;
import dev.fairlead.lb.baremetal.speaker.election.Assignment;
import dev.fairlead.lb.baremetal.speaker.election.ServiceRef;
import dev.fairlead.lb.baremetal.speaker.net.Link;
import dev.fairlead.lb.baremetal.speaker.net.PacketSocket;
import dev.fairlead.lb.baremetal.speaker.net.SocketFilter;
import dev.fairlead.lb.baremetal.speaker.packet.Arp;
import dev.fairlead.lb.baremetal.speaker.packet.Decision;
import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import dev.fairlead.lb.baremetal.speaker.packet.Ndp;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers ARP and neighbor solicitations for the VIPs this node holds, on the interfaces allowed
 * for each VIP, and announces them on takeover.
 *
 * <p>Life of a VIP on this node: the election wins it → <em>held</em> at once (answered; gratuitous
 * ARP / unsolicited NA burst starts) while an ARP probe / DAD solicitation goes out and answers are
 * collected for {@code probeTimeout}: an answer from a host that is not a speaker is an address
 * conflict, reported but not fatal (the address is assigned to this cluster, so it is claimed
 * either way, and waiting for the probe would only delay failover) → released the moment a later
 * election gives it away: it leaves the held set before {@link #reconcile} returns, so no further
 * answer or announcement goes out for it.
 *
 * <p>Interfaces may come and go while the speaker runs ({@link #updateLinks}): sockets open on new
 * ones, and held VIPs are announced there at once; sockets on vanished ones close.
 */
final class Announcer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long TICK_MILLIS = 50;
  private static final long CONFLICT_REPEAT_NANOS = Duration.ofSeconds(30).toNanos();

  /** What the announcer tells the rest of the speaker. */
  interface Observer {
    /** This node started answering for {@code vip}. */
    void acquired(InetAddress vip, List<ServiceRef> services);

    /** A host that is not a live speaker answers, announces or probes for a VIP of ours. */
    void conflict(InetAddress vip, Mac mac, String link, String evidence, List<ServiceRef> services);

    /** This node won {@code vip} but has none of the interfaces it may be announced on. */
    void noInterface(InetAddress vip, Set<String> interfaces, List<ServiceRef> services);
  }

  /** A VIP this node holds and the interfaces it answers on (empty: all). */
  private record Hold(Set<String> interfaces) {
    boolean allows(String link) {
      return interfaces.isEmpty() || interfaces.contains(link);
    }
  }

  private static final class Port {
    final Link link;
    final PacketSocket arp;
    final PacketSocket ndp;
    volatile boolean open = true;

    Port(Link link, PacketSocket arp, PacketSocket ndp) {
      this.link = link;
      this.arp = arp;
      this.ndp = ndp;
    }

    void close() {
      open = false;
      arp.close();
      if (ndp != null) {
        ndp.close();
      }
    }
  }

  private static final class Probe {
    final Set<Mac> answers = ConcurrentHashMap.newKeySet();
    ScheduledFuture<?> finish;
  }

  private final SpeakerMetrics metrics;
  private final Duration probeTimeout;
  private final Function<Mac, Optional<String>> speakerOf;
  private final Observer observer;
  private volatile Map<String, Port> ports = Map.of();
  private volatile Set<Mac> ownMacs = Set.of();
  private final ScheduledExecutorService timer;
  private final AnnouncementSchedule schedule =
      new AnnouncementSchedule(AnnouncementSchedule.INTERVAL, AnnouncementSchedule.WINDOW);
  private final Object lock = new Object();
  private final Map<InetAddress, Probe> probing = new HashMap<>();
  private final Map<Mac, Integer> groups = new HashMap<>();
  private final Map<String, Long> conflictsReported = new ConcurrentHashMap<>();
  private final Set<InetAddress> reportedNoInterface = new HashSet<>();
  private Map<InetAddress, Assignment> wanted = Map.of();
  private volatile Map<InetAddress, Hold> held = Map.of();
  private volatile boolean running;

  Announcer(SpeakerMetrics metrics, Duration probeTimeout,
      Function<Mac, Optional<String>> speakerOf, Observer observer) {
    this.metrics = metrics;
    this.probeTimeout = probeTimeout;
    this.speakerOf = speakerOf;
    this.observer = observer;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("announcer").factory());
  }

  /**
   * Opens a raw socket per interface and family and starts answering (nothing is held yet).
   *
   * @param links the interfaces to start with
   * @throws IOException if a socket cannot be opened (typically: no CAP_NET_RAW)
   */
  void start(List<Link> links) throws IOException {
    running = true;
    synchronized (lock) {
      Map<String, Port> opened = new LinkedHashMap<>();
      try {
        for (Link link : links) {
          opened.put(link.name(), open(link));
        }
      } catch (IOException e) {
        opened.values().forEach(Port::close);
        running = false;
        throw e;
      }
      setPorts(opened);
    }
    timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    LOG.info("answering on {}", describe(links));
  }

  private static List<String> describe(java.util.Collection<Link> links) {
    return links.stream().map(l -> l.name() + " (" + l.mac() + ")").toList();
  }

  private Port open(Link link) throws IOException {
    PacketSocket arp = PacketSocket.open(link.name(), link.index(), PacketSocket.ETH_P_ARP, null, POLL);
    PacketSocket ndp = null;
    if (link.linkLocal().isPresent()) {
      try {
        ndp = PacketSocket.open(link.name(), link.index(), PacketSocket.ETH_P_IPV6,
            SocketFilter.neighborDiscovery(), POLL);
      } catch (IOException e) {
        arp.close();
        throw e;
      }
    } else {
      LOG.info("interface {} has no IPv6 link-local address: answering ARP only", link.name());
    }
    Port port = new Port(link, arp, ndp);
    reader(port, arp, true);
    if (ndp != null) {
      reader(port, ndp, false);
    }
    return port;
  }

  private void setPorts(Map<String, Port> next) {
    ports = Map.copyOf(next);
    ownMacs = next.values().stream().map(p -> p.link.mac()).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Makes the interface set current: closes sockets on interfaces that vanished or changed (name,
   * index, MAC or link-local address), opens sockets on new ones and announces every held VIP
   * allowed there at once. An interface that cannot be opened is skipped and retried on the next
   * call.
   *
   * @param links the interfaces to answer on now
   * @return true if anything changed
   */
  boolean updateLinks(List<Link> links) {
    synchronized (lock) {
      if (!running) {
        return false;
      }
      Map<String, Port> next = new LinkedHashMap<>();
      List<Link> added = new ArrayList<>();
      List<Link> removed = new ArrayList<>();
      Map<String, Port> current = ports;
      for (Link link : links) {
        Port existing = current.get(link.name());
        if (existing != null && existing.link.equals(link)) {
          next.put(link.name(), existing);
        }
      }
      for (Port port : current.values()) {
        if (next.get(port.link.name()) != port) {
          port.close();
          removed.add(port.link);
        }
      }
      for (Link link : links) {
        if (!next.containsKey(link.name())) {
          try {
            Port port = open(link);
            next.put(link.name(), port);
            added.add(link);
            for (Mac group : groups.keySet()) {
              join(port, group);
            }
          } catch (IOException e) {
            LOG.warn("cannot answer on new interface {} yet: {}", link.name(), e.getMessage());
          }
        }
      }
      if (added.isEmpty() && removed.isEmpty()) {
        return false;
      }
      setPorts(next);
      LOG.info("interfaces changed: now answering on {} (added {}, removed {})",
          describe(next.values().stream().map(p -> p.link).toList()),
          added.stream().map(Link::name).toList(), removed.stream().map(Link::name).toList());
      long now = System.nanoTime();
      for (Map.Entry<InetAddress, Hold> e : held.entrySet()) {
        if (added.stream().anyMatch(l -> e.getValue().allows(l.name()))) {
          schedule.trigger(e.getKey(), now);
        }
      }
      checkInterfaces();
      return true;
    }
  }

  private void reader(Port port, PacketSocket socket, boolean arp) {
    Thread.ofPlatform().daemon().name((arp ? "arp-" : "ndp-") + port.link.name()).start(() -> {
      long backoff = 100;
      while (running && port.open) {
        try {
          Optional<byte[]> frame = socket.receive();
          if (frame.isPresent()) {
            if (arp) {
              onArp(port, frame.get());
            } else {
              onNdp(port, frame.get());
            }
          }
          backoff = 100;
        } catch (IOException e) {
          if (!running || !port.open) {
            return;
          }
          LOG.warn("{}", e.getMessage());
          sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
        } catch (RuntimeException e) {
          LOG.error("unexpected error handling a frame on {}", port.link.name(), e);
        }
      }
    });
  }

  /**
   * The VIPs this node currently answers for.
   *
   * @return a snapshot
   */
  Set<InetAddress> held() {
    return held.keySet();
  }

  /**
   * Makes the elected set of VIPs current: releases lost ones immediately, claims won ones (and
   * probes for foreign owners in the background), applies changed interface restrictions.
   *
   * @param won the VIPs this node won, with their Services and interfaces
   * @param reassert whether to restart the announcement burst of VIPs already held (after a
   *     membership change, another speaker may have announced them meanwhile)
   */
  void reconcile(Map<InetAddress, Assignment> won, boolean reassert) {
    synchronized (lock) {
      long now = System.nanoTime();
      Map<InetAddress, Hold> next = new HashMap<>(held);
      for (InetAddress vip : held.keySet()) {
        if (!won.containsKey(vip)) {
          next.remove(vip);
          schedule.cancel(vip);
          leaveGroup(vip);
          Probe probe = probing.remove(vip);
          if (probe != null) {
            probe.finish.cancel(false);
          }
          metrics.released();
          LOG.info("released {} (no longer elected here)", Addresses.format(vip));
        }
      }
      Map<InetAddress, Assignment> before = wanted;
      wanted = Map.copyOf(won);
      List<InetAddress> claimed = new ArrayList<>();
      for (Map.Entry<InetAddress, Assignment> e : won.entrySet()) {
        InetAddress vip = e.getKey();
        Hold hold = new Hold(e.getValue().interfaces());
        Hold previous = next.put(vip, hold);
        if (previous == null) {
          claimed.add(vip);
          continue;
        }
        if (reassert || !previous.equals(hold)) {
          schedule.trigger(vip, now);
        }
        Assignment earlier = before.get(vip);
        List<ServiceRef> added = e.getValue().services().stream()
            .filter(s -> earlier == null || !earlier.services().contains(s)).toList();
        if (!added.isEmpty()) {
          observer.acquired(vip, added); // a Service that joined an address this node announces
        }
      }
      held = Map.copyOf(next);
      for (InetAddress vip : claimed) {
        claim(vip);
      }
      reportedNoInterface.retainAll(held.keySet());
      checkInterfaces();
      updateGauge();
    }
  }

  private void claim(InetAddress vip) {
    joinGroup(vip);
    schedule.trigger(vip, System.nanoTime());
    metrics.acquired();
    List<ServiceRef> services = servicesOf(vip);
    LOG.info("announcing {} for {}{}", Addresses.format(vip), services,
        held.get(vip).interfaces().isEmpty() ? "" : " on " + held.get(vip).interfaces());
    observer.acquired(vip, services);
    if (!probeTimeout.isZero()) {
      Probe probe = new Probe();
      probing.put(vip, probe);
      for (Port port : portsFor(vip)) {
        if (vip instanceof Inet4Address v4) {
          send(port.arp, Arp.probe(v4, port.link.mac()));
        } else if (vip instanceof Inet6Address v6 && port.ndp != null) {
          send(port.ndp, Ndp.duplicateAddressProbe(v6, port.link.mac()));
        }
      }
      probe.finish = timer.schedule(() -> finishProbe(vip, probe), probeTimeout.toNanos(),
          TimeUnit.NANOSECONDS);
    }
    tick();
  }

  private void finishProbe(InetAddress vip, Probe probe) {
    synchronized (lock) {
      if (probing.get(vip) != probe) {
        return; // lost meanwhile
      }
      probing.remove(vip);
      String result = "clear";
      for (Mac mac : probe.answers) {
        Optional<String> speaker = speakerOf.apply(mac);
        if (speaker.isPresent()) {
          LOG.info("{}: speaker on {} still answered the probe (hand-over)", Addresses.format(vip),
              speaker.get());
          result = result.equals("conflict") ? result : "handover";
        } else {
          result = "conflict";
          reportConflict(vip, mac, "-", vip instanceof Inet4Address
              ? "answered the ARP probe sent when claiming the address"
              : "answered the duplicate address detection sent when claiming the address");
        }
      }
      metrics.probe(result);
    }
  }

  /** Warns once per VIP when none of its allowed interfaces exists on this node. */
  private void checkInterfaces() {
    for (Map.Entry<InetAddress, Hold> e : held.entrySet()) {
      InetAddress vip = e.getKey();
      if (e.getValue().interfaces().isEmpty()) {
        continue; // any interface will do; none at all is the carrier watch's business
      }
      if (portsFor(vip).isEmpty()) {
        if (reportedNoInterface.add(vip)) {
          LOG.warn("{} is elected here but none of its interfaces {} exists on this node; it is not"
              + " answered until one appears", Addresses.format(vip), e.getValue().interfaces());
          observer.noInterface(vip, e.getValue().interfaces(), servicesOf(vip));
        }
      } else {
        reportedNoInterface.remove(vip);
      }
    }
  }

  private List<ServiceRef> servicesOf(InetAddress vip) {
    Assignment a = wanted.get(vip);
    return a == null ? List.of() : a.services();
  }

  private List<Port> portsFor(InetAddress vip) {
    Hold hold = held.get(vip);
    if (hold == null) {
      return List.of();
    }
    return ports.values().stream().filter(p -> hold.allows(p.link.name())).toList();
  }

  private boolean heldOn(InetAddress vip, String link) {
    Hold hold = held.get(vip);
    return hold != null && hold.allows(link);
  }

  private void tick() {
    synchronized (lock) {
      if (!running) {
        return;
      }
      for (InetAddress vip : schedule.due(System.nanoTime())) {
        if (held.containsKey(vip)) {
          announce(vip);
        }
      }
    }
  }

  private void announce(InetAddress vip) {
    for (Port port : portsFor(vip)) {
      Mac mac = port.link.mac();
      if (vip instanceof Inet4Address v4) {
        for (byte[] frame : Arp.gratuitous(v4, mac)) {
          send(port.arp, frame);
        }
        metrics.announced(vip);
      } else if (vip instanceof Inet6Address v6 && port.ndp != null) {
        send(port.ndp, Ndp.unsolicitedAdvertisement(v6, mac));
        metrics.announced(vip);
      }
    }
  }

  private void onArp(Port port, byte[] frame) {
    String link = port.link.name();
    Arp.parse(frame).ifPresent(p -> {
      if (ownMacs.contains(p.senderMac())) {
        return;
      }
      Probe probe = probeFor(p.senderIp());
      if (probe != null) {
        probe.answers.add(p.senderMac());
      } else if (heldOn(p.senderIp(), link)) {
        foreignClaim(p.senderIp(), p.senderMac(), port, p.operation() == Arp.REPLY
            ? "sent an ARP reply for the address" : "announced the address with ARP");
      } else if (p.isProbe() && heldOn(p.targetIp(), link)) {
        foreignClaim(p.targetIp(), p.senderMac(), port, "probed the address (wants to use it)");
      }
    });
    switch (Arp.respond(frame, port.link.mac(), vip -> heldOn(vip, link))) {
      case Decision.Reply reply -> {
        send(port.arp, reply.frame());
        metrics.responded("ipv4");
      }
      case Decision.Drop drop -> metrics.ignored("ipv4", drop.reason());
    }
  }

  private void onNdp(Port port, byte[] frame) {
    String link = port.link.name();
    Ndp.parse(frame).ifPresent(m -> {
      if (ownMacs.contains(m.ethernetSource())) {
        return;
      }
      if (m.type() == Ndp.NEIGHBOR_ADVERTISEMENT) {
        Probe probe = probeFor(m.target());
        if (probe != null) {
          probe.answers.add(m.senderMac());
        } else if (heldOn(m.target(), link)) {
          foreignClaim(m.target(), m.senderMac(), port, "sent a neighbor advertisement for the address");
        }
      } else if (m.source().equals(Ndp.UNSPECIFIED) && heldOn(m.target(), link)) {
        foreignClaim(m.target(), m.ethernetSource(), port,
            "ran duplicate address detection for the address (wants to use it)");
      }
    });
    switch (Ndp.respond(frame, port.link.mac(), vip -> heldOn(vip, link))) {
      case Decision.Reply reply -> {
        send(port.ndp, reply.frame());
        metrics.responded("ipv6");
      }
      case Decision.Drop drop -> metrics.ignored("ipv6", drop.reason());
    }
  }

  private Probe probeFor(InetAddress address) {
    synchronized (lock) {
      return probing.get(address);
    }
  }

  private void foreignClaim(InetAddress vip, Mac mac, Port port, String evidence) {
    Optional<String> speaker = speakerOf.apply(mac);
    if (speaker.isPresent()) {
      LOG.info("{}: the speaker on {} also answers for it (hand-over in progress or a split view)",
          Addresses.format(vip), speaker.get());
      return;
    }
    reportConflict(vip, mac, port.link.name(), evidence);
  }

  private void reportConflict(InetAddress vip, Mac mac, String link, String evidence) {
    long now = System.nanoTime();
    String key = Addresses.format(vip) + "|" + mac;
    Long last = conflictsReported.get(key);
    if (last != null && now - last < CONFLICT_REPEAT_NANOS) {
      return;
    }
    conflictsReported.put(key, now);
    metrics.conflict(vip);
    List<ServiceRef> services;
    synchronized (lock) {
      services = servicesOf(vip);
    }
    LOG.warn("address conflict: host {} {} {} on {}", mac, evidence, Addresses.format(vip), link);
    observer.conflict(vip, mac, link, evidence, services);
  }

  private void joinGroup(InetAddress vip) {
    if (!(vip instanceof Inet6Address v6)) {
      return;
    }
    Mac group = Mac.ipv6Multicast(Ndp.solicitedNode(v6).getAddress());
    if (groups.merge(group, 1, Integer::sum) == 1) {
      for (Port port : ports.values()) {
        join(port, group);
      }
    }
  }

  private static void join(Port port, Mac group) {
    if (port.ndp != null) {
      try {
        port.ndp.joinMulticast(group);
      } catch (IOException e) {
        LOG.warn("{}", e.getMessage());
      }
    }
  }

  private void leaveGroup(InetAddress vip) {
    if (!(vip instanceof Inet6Address v6)) {
      return;
    }
    Mac group = Mac.ipv6Multicast(Ndp.solicitedNode(v6).getAddress());
    Integer left = groups.computeIfPresent(group, (g, n) -> n == 1 ? null : n - 1);
    if (left == null) {
      for (Port port : ports.values()) {
        if (port.ndp != null) {
          try {
            port.ndp.leaveMulticast(group);
          } catch (IOException e) {
            LOG.debug("{}", e.getMessage());
          }
        }
      }
    }
  }

  private void send(PacketSocket socket, byte[] frame) {
    try {
      socket.send(frame);
    } catch (IOException e) {
      if (running) {
        LOG.warn("{}", e.getMessage());
      }
    }
  }

  private void updateGauge() {
    Set<InetAddress> now = held.keySet();
    int v4 = (int) now.stream().filter(a -> a instanceof Inet4Address).count();
    metrics.held(v4, now.size() - v4);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      running = false;
      held = Map.of();
    }
    timer.shutdownNow();
    for (Port port : ports.values()) {
      port.close();
    }
  }
}
