package dev.fairlead.lb.baremetal.speaker.membership;

import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.DefaultSocketFactory;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership over JGroups, configured in code (no XML): each speaker is a member named after its
 * node, and carries the MACs of its interfaces in its address so the others can tell a hand-over
 * from a real address conflict.
 *
 * <p>The stack, bottom to top, and why:
 *
 * <ul>
 *   <li>{@code TCP} on the node address: works on every network (no multicast needed), and a dead
 *       process's connections are closed by its kernel, which the layers above notice at once;
 *       outgoing sockets are bound to the node address and incoming connections must come from the
 *       address they declare ({@link PeerAddressCheck});
 *   <li>{@link SealProtocol}: every message above is encrypted and authenticated with the shared
 *       key from the Kubernetes Secret (AES-256-GCM); traffic without an accepted key is refused and
 *       reported ({@link #refusedBy()});
 *   <li>{@code TCPPING}: static seeds (the Nodes' InternalIPs, or {@code --peers});
 *   <li>{@code MERGE3} (1–3 s): heals partitions, for example after a link comes back;
 *   <li>{@code FD_SOCK2}: a ring of TCP connections between neighbours; when a speaker process dies
 *       its socket closes and the neighbour suspects it within milliseconds (SIGKILL, OOM, crash);
 *   <li>{@code FD_ALL3} (heartbeat {@link MembershipSettings#heartbeatInterval()}, timeout {@link
 *       MembershipSettings#failureTimeout()}): catches what sends no FIN: a link or node going down,
 *       a frozen host;
 *   <li>{@code VERIFY_SUSPECT2} ({@link MembershipSettings#verifyTimeout()}): a suspect gets one
 *       short chance to answer, so one lost heartbeat round does not move VIPs;
 *   <li>{@code NAKACK2}, {@code UNICAST3}, {@code STABLE}: reliable delivery GMS depends on;
 *   <li>{@code GMS} with short join/leave/view-ack timeouts, so a new view is installed without the
 *       multi-second defaults.
 * </ul>
 */
public final class JGroupsMembership implements Membership {
  private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);
  private static final String CLUSTER = "fairlead-speakers";
  private static final String KEY_NODE = "node";
  private static final String KEY_MACS = "macs";

  /** MERGE3's shortest interval between two discovery rounds. */
  static final Duration MERGE_MIN = Duration.ofMillis(500);

  /** MERGE3's interval parameter: rounds every 1-3 s, views compared every 3.2 s. */
  static final Duration MERGE_MAX = Duration.ofMillis(2000);

  /**
   * How long a speaker that finds itself alone should wait before it announces anything: long
   * enough for every other speaker's periodic discovery (at most 1.5 × {@link #MERGE_MAX}) to reach
   * it, so a speaker with a wrong key learns that it is refused before it answers for any address.
   */
  public static final Duration DISCOVERY_ROUND = MERGE_MAX.multipliedBy(2);

  /** How long refused traffic from a peer counts as evidence (several discovery rounds). */
  static final Duration REFUSAL_MEMORY = Duration.ofSeconds(15);

  private final MembershipSettings settings;
  private final Collection<Mac> localMacs;
  private final Consumer<Refusal> onRefusal;
  private volatile Map<String, Set<Mac>> members;
  // Stays filled across close()/start(): a partitioned speaker is still a speaker.
  private final Map<Mac, String> everSeen = new ConcurrentHashMap<>();
  private final Map<String, Long> refusedAt = new ConcurrentHashMap<>();
  private volatile Keyring keyring;
  private SealProtocol seal;
  private TCPPING discovery;
  private volatile List<InetSocketAddress> seeds;
  private JChannel channel;

  /**
   * Prepares the membership; nothing is opened before {@link #start(Runnable)}.
   *
   * @param settings addresses and timings
   * @param localMacs this node's announcing interfaces' MACs
   * @param keyring the membership keys, or null to run without (insecure: any process that reaches
   *     the port can join)
   * @param onRefusal told about every refused message or connection (on a JGroups thread)
   */
  public JGroupsMembership(MembershipSettings settings, Collection<Mac> localMacs, Keyring keyring,
      Consumer<Refusal> onRefusal) {
    this.settings = settings;
    this.localMacs = List.copyOf(localMacs);
    this.keyring = keyring;
    this.onRefusal = onRefusal;
    this.seeds = settings.seeds();
    this.members = Map.of(settings.nodeName(), Set.copyOf(localMacs));
    localMacs.forEach(mac -> everSeen.put(mac, settings.nodeName()));
  }

  /**
   * The protocol stack, bottom first.
   *
   * @param settings addresses and timings
   * @param seal the encryption layer (placed directly above the transport)
   * @param refusals where the transport reports connections with a spoofed address
   * @return new protocol instances
   */
  static List<Protocol> stack(MembershipSettings settings, SealProtocol seal,
      Consumer<Refusal> refusals) {
    TCP tcp = new TCP();
    tcp.setBindAddress(settings.bindAddress());
    tcp.setBindPort(settings.port());
    tcp.setClientBindAddr(settings.bindAddress());
    tcp.setSocketFactory(new DefaultSocketFactory(javax.net.SocketFactory.getDefault(),
        new PeerAddressCheck(refusals)));
    tcp.setValue("port_range", 0);
    tcp.setSockConnTimeout(500);
    tcp.setValue("log_discard_msgs", false);
    tcp.setValue("log_discard_msgs_version", false);
    tcp.setValue("log_accept_error", false);
    TCPPING ping = new TCPPING();
    ping.setInitialHosts(settings.seeds());
    ping.setPortRange(0);
    // Every member probes every seed every 1-3 s (TCP has no multicast, so MERGE3 uses discovery);
    // views are compared every 3.2 s: a healed partition merges within about 6.5 s.
    MERGE3 merge = new MERGE3().setMinInterval(MERGE_MIN.toMillis()).setMaxInterval(MERGE_MAX.toMillis());
    FD_SOCK2 crash = new FD_SOCK2();
    crash.setBindAddress(settings.bindAddress());
    crash.setPortRange(0);
    FD_ALL3 silence = new FD_ALL3();
    silence.setTimeout(settings.failureTimeout().toMillis());
    silence.setInterval(settings.heartbeatInterval().toMillis());
    VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2().setTimeout(settings.verifyTimeout().toMillis());
    NAKACK2 nakack = new NAKACK2();
    nakack.setValue("xmit_interval", 200L);
    UNICAST3 unicast = new UNICAST3();
    unicast.setValue("xmit_interval", 200L);
    STABLE stable = new STABLE();
    GMS gms = new GMS()
        .setJoinTimeout(1000)
        .setLeaveTimeout(500)
        .setMergeTimeout(2000)
        .setViewAckCollectionTimeout(500)
        .setMaxJoinAttempts(5);
    gms.setValue("print_local_addr", false);
    return List.of(tcp, seal, ping, merge, crash, silence, verify, nakack, unicast, stable, gms);
  }

  /**
   * The node name a member address carries (speakers put it in their {@link ExtendedUUID}).
   *
   * @param address a member address
   * @return the node name, if the address carries one
   */
  static Optional<String> nodeOf(Address address) {
    if (address instanceof ExtendedUUID extended) {
      byte[] nodeBytes = extended.get(KEY_NODE);
      if (nodeBytes != null) {
        return Optional.of(new String(nodeBytes, StandardCharsets.UTF_8));
      }
    }
    return Optional.ofNullable(NameCache.get(address));
  }

  private void refused(Refusal refusal) {
    refusedAt.put(refusal.peer(), System.nanoTime());
    onRefusal.accept(refusal);
  }

  @Override
  public Set<String> refusedBy() {
    long now = System.nanoTime();
    Set<String> current = members.keySet();
    Set<String> result = new TreeSet<>();
    refusedAt.forEach((peer, at) -> {
      if (now - at < REFUSAL_MEMORY.toNanos() && !current.contains(peer)) {
        result.add(peer);
      }
    });
    refusedAt.values().removeIf(at -> now - at >= REFUSAL_MEMORY.toNanos());
    return result;
  }

  @Override
  public synchronized void seeds(List<InetSocketAddress> next) {
    if (next.equals(seeds)) {
      return;
    }
    seeds = List.copyOf(next);
    if (discovery != null) {
      discovery.setInitialHosts(seeds); // read on every discovery round
    }
    LOG.info("membership seeds: {}", seeds);
  }

  @Override
  public synchronized void rekey(Keyring next) {
    if (keyring == null) {
      throw new IllegalStateException("this speaker runs without membership keys");
    }
    keyring = next;
    if (seal != null) {
      seal.rekey(next);
    }
  }

  @Override
  public synchronized void start(Runnable onChange) throws Exception {
    if (channel != null) {
      return;
    }
    members = Map.of(settings.nodeName(), Set.copyOf(localMacs));
    seal = new SealProtocol(keyring, this::refused);
    List<Protocol> protocols = stack(settings, seal, this::refused);
    discovery = (TCPPING) protocols.stream().filter(p -> p instanceof TCPPING).findFirst().orElseThrow();
    discovery.setInitialHosts(seeds);
    JChannel ch = new JChannel(protocols);
    byte[] macs = String.join(",", localMacs.stream().map(Mac::toString).toList())
        .getBytes(StandardCharsets.US_ASCII);
    String name = settings.nodeName();
    ch.addAddressGenerator(() -> ExtendedUUID.randomUUID(name)
        .put(KEY_NODE, name.getBytes(StandardCharsets.UTF_8))
        .put(KEY_MACS, macs));
    ch.name(name);
    ch.setDiscardOwnMessages(true);
    ch.setReceiver(new Receiver() {
      @Override
      public void viewAccepted(View view) {
        members = toMembers(view);
        LOG.info("speaker membership: {} member(s) {}", members.size(), members.keySet());
        onChange.run();
      }
    });
    channel = ch;
    ch.connect(CLUSTER);
  }

  private Map<String, Set<Mac>> toMembers(View view) {
    Map<String, Set<Mac>> result = new TreeMap<>();
    for (Address address : view.getMembers()) {
      String node = nodeOf(address).orElse(null);
      Set<Mac> macs = new HashSet<>();
      if (address instanceof ExtendedUUID extended) {
        byte[] macBytes = extended.get(KEY_MACS);
        if (macBytes != null && macBytes.length > 0) {
          for (String text : new String(macBytes, StandardCharsets.US_ASCII).split(",")) {
            try {
              macs.add(Mac.parse(text));
            } catch (IllegalArgumentException e) {
              // a newer speaker may add fields; ignore what we cannot read
            }
          }
        }
      }
      if (node != null) {
        result.computeIfAbsent(node, k -> new HashSet<>()).addAll(macs);
        String name = node;
        macs.forEach(mac -> everSeen.put(mac, name));
      }
    }
    result.computeIfAbsent(settings.nodeName(), k -> new HashSet<>()).addAll(localMacs);
    result.replaceAll((k, v) -> Set.copyOf(v));
    return Map.copyOf(result);
  }

  @Override
  public Optional<String> speakerOf(Mac mac) {
    return Optional.ofNullable(everSeen.get(mac));
  }

  @Override
  public Map<String, Set<Mac>> members() {
    return members;
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close();
      channel = null;
      seal = null;
      discovery = null;
    }
    members = Map.of(settings.nodeName(), Set.copyOf(localMacs));
  }
}
