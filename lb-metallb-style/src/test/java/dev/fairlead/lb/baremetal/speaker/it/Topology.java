package dev.fairlead.lb.baremetal.speaker.it;

import static dev.fairlead.lb.baremetal.speaker.it.Shell.must;
import static dev.fairlead.lb.baremetal.speaker.it.Shell.quiet;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * A small L2 network made of network namespaces: a bridge in the root namespace (host .1 of the
 * subnet, where the mock API server listens), one namespace per node and one client namespace, each
 * joined to the bridge by a veth pair whose inner end is called {@code eth0}. Documentation ranges
 * only: a /28 of 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 that overlaps no route of this
 * host (neither another run's bridge nor the host's own network), and a /64 of 2001:db8::/32, so
 * two test runs on one machine do not collide and the host's traffic never enters a test bridge. Every name carries a random
 * prefix, and {@link #close()} (also run from a shutdown hook) stops the processes started here and
 * removes everything, so a failed run leaves nothing behind.
 *
 * <p>Each node namespace is set up the way kube-proxy with strict ARP leaves a node: the VIPs sit on
 * a NOARP dummy interface {@code kube-ipvs0} (on {@code lo}, also NOARP, where the kernel has no
 * dummy driver), {@code arp_ignore=1} and {@code arp_announce=2}, so the kernel accepts traffic for
 * them but never answers ARP/NS for them on {@code eth0}: only the speaker does.
 */
final class Topology implements AutoCloseable {
  private static final String[] BLOCKS = {"192.0.2", "198.51.100", "203.0.113"};

  final int slot;
  final String prefix = "fl" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
  final String bridge = prefix + "br";
  final String client = prefix + "-client";
  final Map<String, String> nodeNamespaces = new LinkedHashMap<>();
  final Map<String, String> nodeV4 = new LinkedHashMap<>();
  final Map<String, String> nodeV6 = new LinkedHashMap<>();
  final Map<String, String> nodeMacs = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> nftTables = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private String vipDevice = "lo";
  private final Thread cleanupHook = new Thread(this::cleanUp, "topology-cleanup");

  /**
   * Why namespaces cannot be used here, if they cannot: the caller skips each test with this
   * reason (so the report counts them as skipped, with the reason, rather than showing no tests).
   */
  static java.util.Optional<String> unavailable() {
    if (!Shell.has("ip")) {
      return java.util.Optional.of("skipped: 'ip' (iproute2) is not installed");
    }
    if (!Shell.root()) {
      return java.util.Optional.of("skipped: network namespaces and raw sockets need root");
    }
    for (String tool : List.of("arping", "ndisc6", "nc", "python3", "nft")) {
      if (!Shell.has(tool)) {
        return java.util.Optional.of("skipped: '" + tool + "' is not installed (.ci/run installs it)");
      }
    }
    Shell.Result probe = Shell.quiet("ip", "netns", "list");
    if (!probe.ok()) {
      return java.util.Optional.of("skipped: 'ip netns' does not work here: " + probe.output());
    }
    return java.util.Optional.empty();
  }

  /** Skips the calling test, with the reason, where namespaces cannot be created. */
  static void assumeAvailable(java.util.Optional<String> unavailable) {
    unavailable.ifPresent(reason -> System.err.println("[SpeakerNetnsIT] " + reason));
    Assumptions.assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
  }

  Topology(int nodes) {
    slot = freeSlot();
    Runtime.getRuntime().addShutdownHook(cleanupHook);
    try {
      must("ip", "link", "add", bridge, "type", "bridge");
      must("ip", "link", "set", bridge, "type", "bridge", "forward_delay", "0");
      quiet("sysctl", "-qw", "net.ipv6.conf." + bridge + ".accept_dad=0");
      must("ip", "addr", "add", v4(1) + "/28", "dev", bridge);
      must("ip", "addr", "add", v6(1) + "/64", "dev", bridge, "nodad");
      must("ip", "link", "set", bridge, "up");
      namespace(client, "c", v4(2), v6(2));
      for (int i = 1; i <= nodes; i++) {
        String node = "node" + i;
        String ns = prefix + "-" + node;
        String v4 = v4(2 + i);
        String v6 = v6(2 + i);
        namespace(ns, "n" + i, v4, v6);
        nodeNamespaces.put(node, ns);
        nodeV4.put(node, v4);
        nodeV6.put(node, v6);
        nodeMacs.put(node, mac(ns));
        if (tryExec(10, ns, "ip", "link", "add", "kube-ipvs0", "type", "dummy").ok()) {
          exec(ns, "ip", "link", "set", "kube-ipvs0", "up");
          vipDevice = "kube-ipvs0";
        } else {
          vipDevice = "lo"; // kernel without the dummy module: loopback is NOARP too
        }
        exec(ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1");
        exec(ns, "sysctl", "-qw", "net.ipv4.conf.all.arp_announce=2");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * A /28 that overlaps no IPv4 route of this host: not another test run's bridge, and not the
   * host's own network, which may itself be a documentation range (this machine's eth0 and default
   * gateway are in 192.0.2.0/24: a bridge there would take over the gateway's address and send the
   * host's traffic, or the lab's, the wrong way).
   */
  static int freeSlot() {
    List<long[]> used = hostIpv4Prefixes();
    int start = ThreadLocalRandom.current().nextInt(48);
    for (int i = 0; i < 48; i++) {
      int k = (start + i) % 48;
      long first = ipv4(block(k) + "." + (k % 16) * 16);
      long last = first + 15;
      if (used.stream().noneMatch(p -> p[0] <= last && first <= p[1])) {
        return k;
      }
    }
    throw new IllegalStateException("no documentation /28 on this host is free of its own routes");
  }

  /** The host's IPv4 routes, every table, as [first, last] ranges; the default route left out. */
  private static List<long[]> hostIpv4Prefixes() {
    List<long[]> prefixes = new ArrayList<>();
    for (String line : Shell.quiet("ip", "-4", "route", "show", "table", "all").output().split("\n")) {
      // "192.0.2.0/24 dev eth0 ...", "local 192.0.2.2 dev eth0 table local ...", "default via ..."
      String[] words = line.strip().replaceFirst("^(local|broadcast|unicast) ", "").split("\\s+");
      if (!words[0].matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) {
        continue;
      }
      String[] parts = words[0].split("/");
      long size = 1L << (32 - (parts.length == 2 ? Integer.parseInt(parts[1]) : 32));
      long first = ipv4(parts[0]) & ~(size - 1);
      prefixes.add(new long[] {first, first + size - 1});
    }
    return prefixes;
  }

  private static long ipv4(String dotted) {
    long value = 0;
    for (String octet : dotted.split("\\.")) {
      value = value << 8 | Integer.parseInt(octet);
    }
    return value;
  }

  static String block(int k) {
    return BLOCKS[k / 16];
  }

  /** Host {@code h} (1..14) of this topology's IPv4 /28. */
  String v4(int h) {
    return block(slot) + "." + ((slot % 16) * 16 + h);
  }

  /** Host {@code h} of this topology's IPv6 /64 (2001:db8:1xx::/64). */
  String v6(int h) {
    return "2001:db8:" + Integer.toHexString(0x100 + slot) + "::" + Integer.toHexString(h);
  }

  String apiAddress() {
    return v4(1);
  }

  String clientV4() {
    return v4(2);
  }

  /** VIP number {@code i} (0..6) of the IPv4 /28. */
  String vip4(int i) {
    return v4(8 + i);
  }

  /** VIP number {@code i} of the IPv6 /64. */
  String vip6(int i) {
    return v6(0x100 + i);
  }

  /** Starts a long-running process inside {@code ns}; stopped (SIGKILL, by PID) on close. */
  synchronized Process spawn(String ns, java.nio.file.Path log, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(command);
    try {
      ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process p = pb.start();
      processes.add(p);
      return p;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Takes responsibility for stopping a process started elsewhere (SIGKILL, by PID, on close). */
  synchronized void adopt(Process p) {
    processes.add(p);
  }

  private void namespace(String ns, String tag, String v4, String v6) {
    must("ip", "netns", "add", ns);
    namespaces.add(ns);
    String outer = prefix + tag;
    must("ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns);
    must("ip", "link", "set", outer, "master", bridge, "up");
    exec(ns, "ip", "link", "set", "lo", "up");
    exec(ns, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0");
    exec(ns, "ip", "addr", "add", v4 + "/24", "dev", "eth0");
    exec(ns, "ip", "addr", "add", v6 + "/64", "dev", "eth0", "nodad");
    exec(ns, "ip", "link", "set", "eth0", "up");
  }

  /** The bridge-side end of a namespace's veth pair (taking it down cuts the link without FIN). */
  String outerLink(String node) {
    return prefix + "n" + node.substring("node".length());
  }

  static String exec(String ns, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    return must(full.toArray(String[]::new));
  }

  static Shell.Result tryExec(int timeoutSeconds, String ns, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    return Shell.run(timeoutSeconds, full);
  }

  private static String mac(String ns) {
    return exec(ns, "cat", "/sys/class/net/eth0/address").strip();
  }

  /** Puts a VIP on every node's dummy interface (what kube-proxy does for LoadBalancer IPs). */
  void addVipToNodes(String vip) {
    for (String ns : nodeNamespaces.values()) {
      exec(ns, "ip", "addr", "add", vip + (vip.contains(":") ? "/128" : "/32"), "dev", vipDevice,
          "nodad");
    }
  }

  /**
   * Partitions the bridge: every frame it would forward between {@code node}'s port and the ports
   * of {@code others} is dropped, both ways (nftables, bridge family); the client still reaches
   * every node, so it sees both sides of a split brain.
   *
   * @return the nftables table to pass to {@link #heal(String)}
   */
  synchronized String partition(String node, List<String> others) {
    String table = prefix + "part";
    must("nft", "add", "table", "bridge", table);
    nftTables.add(table);
    must("nft", "add", "chain", "bridge", table, "forward_filter",
        "{ type filter hook forward priority 0 ; policy accept ; }");
    for (String other : others) {
      must("nft", "add", "rule", "bridge", table, "forward_filter", "iifname", outerLink(node),
          "oifname", outerLink(other), "drop");
      must("nft", "add", "rule", "bridge", table, "forward_filter", "iifname", outerLink(other),
          "oifname", outerLink(node), "drop");
    }
    return table;
  }

  /** Removes a partition made by {@link #partition}. */
  synchronized void heal(String table) {
    must("nft", "delete", "table", "bridge", table);
    nftTables.remove(table);
  }

  /**
   * Adds an interface to a node while its speaker runs: a macvlan on {@code eth0} (same segment,
   * its own MAC), the closest thing to a VLAN interface on kernels without 802.1Q support.
   *
   * @return the new interface's MAC
   */
  String addInterface(String node, String name) {
    String ns = nodeNamespaces.get(node);
    exec(ns, "ip", "link", "add", name, "link", "eth0", "type", "macvlan", "mode", "bridge");
    exec(ns, "sysctl", "-qw", "net.ipv6.conf." + name + ".accept_dad=0");
    exec(ns, "ip", "link", "set", name, "up");
    return exec(ns, "cat", "/sys/class/net/" + name + "/address").strip();
  }

  /** Removes a node's interface if it exists. */
  void removeInterface(String node, String name) {
    tryExec(10, nodeNamespaces.get(node), "ip", "link", "del", name);
  }

  /** Renames a node's interface (it has to go down for that, and comes back up). */
  void renameInterface(String node, String from, String to) {
    String ns = nodeNamespaces.get(node);
    exec(ns, "ip", "link", "set", from, "down");
    exec(ns, "ip", "link", "set", from, "name", to);
    exec(ns, "ip", "link", "set", to, "up");
  }

  /** Which node has this MAC. */
  String nodeOfMac(String mac) {
    return nodeMacs.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(mac))
        .map(Map.Entry::getKey).findFirst().orElse("unknown(" + mac + ")");
  }

  private synchronized void cleanUp() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    for (String table : nftTables) {
      quiet("nft", "delete", "table", "bridge", table);
    }
    nftTables.clear();
    for (String ns : namespaces) {
      quiet("ip", "netns", "del", ns); // also removes the veth pairs
    }
    namespaces.clear();
    quiet("ip", "link", "del", bridge);
  }

  @Override
  public void close() {
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }
}
