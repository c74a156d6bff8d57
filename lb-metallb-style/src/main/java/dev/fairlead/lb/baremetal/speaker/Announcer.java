package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.speaker.election.Addresses;
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
 * Answers ARP and neighbor solicitations for the VIPs this node holds, on the chosen interfaces, and
 * announces them on takeover.
 *
 * <p>Life of a VIP on this node: the election wins it → <em>probing</em> (an ARP probe / DAD
 * solicitation goes out and answers are collected for {@code probeTimeout}; an answer from a host
 * that is not a live speaker is an address conflict, reported but not fatal: the address is
 * assigned to this cluster) → <em>held</em> (answered; gratuitous ARP / unsolicited NA burst starts
 * at once) → released the moment a later election gives it away: it leaves the held set before
 * {@link #reconcile} returns, so no further answer or announcement goes out for it.
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
  }

  private record Port(Link link, PacketSocket arp, PacketSocket ndp) {}

  private static final class Probe {
    final Set<Mac> answers = ConcurrentHashMap.newKeySet();
    ScheduledFuture<?> finish;
  }

  private final List<Link> links;
  private final Set<Mac> ownMacs;
  private final SpeakerMetrics metrics;
  private final Duration probeTimeout;
  private final Function<Mac, Optional<String>> speakerOf;
  private final Observer observer;
  private final List<Port> ports = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private final AnnouncementSchedule schedule =
      new AnnouncementSchedule(AnnouncementSchedule.INTERVAL, AnnouncementSchedule.WINDOW);
  private final Object lock = new Object();
  private final Map<InetAddress, Probe> probing = new HashMap<>();
  private final Map<Mac, Integer> groups = new HashMap<>();
  private final Map<String, Long> conflictsReported = new ConcurrentHashMap<>();
  private Map<InetAddress, List<ServiceRef>> wanted = Map.of();
  private volatile Set<InetAddress> held = Set.of();
  private volatile boolean running;

  Announcer(List<Link> links, SpeakerMetrics metrics, Duration probeTimeout,
      Function<Mac, Optional<String>> speakerOf, Observer observer) {
    this.links = List.copyOf(links);
    this.ownMacs = links.stream().map(Link::mac).collect(Collectors.toUnmodifiableSet());
    this.metrics = metrics;
    this.probeTimeout = probeTimeout;
    this.speakerOf = speakerOf;
    this.observer = observer;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "announcer");
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens a raw socket per interface and family and starts answering (nothing is held yet). */
  void start() throws IOException {
    running = true;
    try {
      for (Link link : links) {
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
        ports.add(port);
        reader(port, arp, true);
        if (ndp != null) {
          reader(port, ndp, false);
        }
      }
    } catch (IOException e) {
      close();
      throw e;
    }
    timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    LOG.info("answering on {}", links.stream().map(l -> l.name() + " (" + l.mac() + ")").toList());
  }

  private void reader(Port port, PacketSocket socket, boolean arp) {
    Thread t = Thread.ofPlatform().daemon().name((arp ? "arp-" : "ndp-") + port.link().name())
        .start(() -> {
          long backoff = 100;
          while (running) {
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
              if (!running) {
                return;
              }
              LOG.warn("{}", e.getMessage());
              sleep(backoff);
              backoff = Math.min(backoff * 2, 5000);
            } catch (RuntimeException e) {
              LOG.error("unexpected error handling a frame on {}", port.link().name(), e);
            }
          }
        });
    readers.add(t);
  }

  /**
   * The VIPs this node currently answers for.
   *
   * @return a snapshot
   */
  Set<InetAddress> held() {
    return held;
  }

  /**
   * Makes the elected set of VIPs current: releases lost ones immediately, starts probing won ones.
   *
   * @param won the VIPs this node won, with their Services
   * @param reassert whether to restart the announcement burst of VIPs already held (after a
   *     membership change, another speaker may have announced them meanwhile)
   */
  void reconcile(Map<InetAddress, List<ServiceRef>> won, boolean reassert) {
    synchronized (lock) {
      long now = System.nanoTime();
      Set<InetAddress> next = new HashSet<>(held);
      for (InetAddress vip : held) {
        if (!won.containsKey(vip)) {
          next.remove(vip);
          schedule.cancel(vip);
          leaveGroup(vip);
          metrics.released();
          LOG.info("released {} (no longer elected here)", Addresses.format(vip));
        }
      }
      held = Set.copyOf(next);
      for (InetAddress vip : List.copyOf(probing.keySet())) {
        if (!won.containsKey(vip)) {
          probing.remove(vip).finish.cancel(false);
          leaveGroup(vip);
        }
      }
      wanted = Map.copyOf(won);
      for (InetAddress vip : won.keySet()) {
        if (held.contains(vip)) {
          if (reassert) {
            schedule.trigger(vip, now);
          }
        } else if (!probing.containsKey(vip)) {
          startProbe(vip);
        }
      }
      updateGauge();
    }
  }

  private void startProbe(InetAddress vip) {
    joinGroup(vip);
    if (probeTimeout.isZero()) {
      claim(vip);
      return;
    }
    Probe probe = new Probe();
    probing.put(vip, probe);
    for (Port port : ports) {
      if (vip instanceof Inet4Address v4) {
        send(port.arp(), Arp.probe(v4, port.link().mac()));
      } else if (vip instanceof Inet6Address v6 && port.ndp() != null) {
        send(port.ndp(), Ndp.duplicateAddressProbe(v6, port.link().mac()));
      }
    }
    probe.finish = timer.schedule(() -> finishProbe(vip, probe), probeTimeout.toNanos(),
        TimeUnit.NANOSECONDS);
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
              ? "answered the ARP probe sent before claiming the address"
              : "answered the duplicate address detection sent before claiming the address");
        }
      }
      metrics.probe(result);
      claim(vip);
    }
  }

  private void claim(InetAddress vip) {
    Set<InetAddress> next = new HashSet<>(held);
    next.add(vip);
    held = Set.copyOf(next);
    schedule.trigger(vip, System.nanoTime());
    metrics.acquired();
    updateGauge();
    LOG.info("announcing {} for {}", Addresses.format(vip), wanted.getOrDefault(vip, List.of()));
    observer.acquired(vip, wanted.getOrDefault(vip, List.of()));
    tick();
  }

  private void tick() {
    synchronized (lock) {
      if (!running) {
        return;
      }
      for (InetAddress vip : schedule.due(System.nanoTime())) {
        if (held.contains(vip)) {
          announce(vip);
        }
      }
    }
  }

  private void announce(InetAddress vip) {
    for (Port port : ports) {
      Mac mac = port.link().mac();
      if (vip instanceof Inet4Address v4) {
        for (byte[] frame : Arp.gratuitous(v4, mac)) {
          send(port.arp(), frame);
        }
        metrics.announced(vip);
      } else if (vip instanceof Inet6Address v6 && port.ndp() != null) {
        send(port.ndp(), Ndp.unsolicitedAdvertisement(v6, mac));
        metrics.announced(vip);
      }
    }
  }

  private void onArp(Port port, byte[] frame) {
    Set<InetAddress> now = held;
    Arp.parse(frame).ifPresent(p -> {
      if (ownMacs.contains(p.senderMac())) {
        return;
      }
      Probe probe = probeFor(p.senderIp());
      if (probe != null) {
        probe.answers.add(p.senderMac());
      } else if (now.contains(p.senderIp())) {
        foreignClaim(p.senderIp(), p.senderMac(), port, p.operation() == Arp.REPLY
            ? "sent an ARP reply for the address" : "announced the address with ARP");
      } else if (p.isProbe() && now.contains(p.targetIp())) {
        foreignClaim(p.targetIp(), p.senderMac(), port, "probed the address (wants to use it)");
      }
    });
    switch (Arp.respond(frame, port.link().mac(), now::contains)) {
      case Decision.Reply reply -> {
        send(port.arp(), reply.frame());
        metrics.responded("ipv4");
      }
      case Decision.Drop drop -> metrics.ignored("ipv4", drop.reason());
    }
  }

  private void onNdp(Port port, byte[] frame) {
    Set<InetAddress> now = held;
    Ndp.parse(frame).ifPresent(m -> {
      if (ownMacs.contains(m.ethernetSource())) {
        return;
      }
      if (m.type() == Ndp.NEIGHBOR_ADVERTISEMENT) {
        Probe probe = probeFor(m.target());
        if (probe != null) {
          probe.answers.add(m.senderMac());
        } else if (now.contains(m.target())) {
          foreignClaim(m.target(), m.senderMac(), port, "sent a neighbor advertisement for the address");
        }
      } else if (m.source().equals(Ndp.UNSPECIFIED) && now.contains(m.target())) {
        foreignClaim(m.target(), m.ethernetSource(), port,
            "ran duplicate address detection for the address (wants to use it)");
      }
    });
    Link link = port.link();
    switch (Ndp.respond(frame, link.mac(), now::contains)) {
      case Decision.Reply reply -> {
        send(port.ndp(), reply.frame());
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
    reportConflict(vip, mac, port.link().name(), evidence);
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
      services = wanted.getOrDefault(vip, List.of());
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
      for (Port port : ports) {
        if (port.ndp() != null) {
          try {
            port.ndp().joinMulticast(group);
          } catch (IOException e) {
            LOG.warn("{}", e.getMessage());
          }
        }
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
      for (Port port : ports) {
        if (port.ndp() != null) {
          try {
            port.ndp().leaveMulticast(group);
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
    Set<InetAddress> now = held;
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
      held = Set.of();
    }
    timer.shutdownNow();
    for (Port port : ports) {
      port.arp().close();
      if (port.ndp() != null) {
        port.ndp().close();
      }
    }
  }
}
