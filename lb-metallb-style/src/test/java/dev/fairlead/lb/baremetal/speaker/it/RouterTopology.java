package dev.fairlead.lb.baremetal.speaker.it;

import static dev.fairlead.lb.baremetal.speaker.it.Shell.must;
import static dev.fairlead.lb.baremetal.speaker.it.Shell.quiet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A routed network of namespaces for BGP tests: a bridge in the root namespace (a switch; host .1
 * is where the mock API server listens) joining a router namespace and the node namespaces, and a
 * client namespace behind the router on its own link. The router runs FRR; the nodes run speakers
 * and a TCP server bound to every address. Taking a node's bridge port down silences the node
 * without the router seeing a carrier change, as when a node dies behind a switch.
 *
 * <p>Documentation ranges only: the bridge gets a free /28 (as {@link Topology}), the client link
 * and the VIPs use the other two ranges and exist only inside the namespaces. Every name carries a
 * random prefix; {@link #close()} (also a shutdown hook) stops the processes by PID and removes
 * everything.
 */
final class RouterTopology implements AutoCloseable {
  final String prefix = "fb" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
  final int slot = Topology.freeSlot();
  final String bridge = prefix + "br";
  final String router = prefix + "-rtr";
  final String client = prefix + "-cli";
  final Map<String, String> nodeNamespaces = new LinkedHashMap<>();
  final Map<String, String> nodeV4 = new LinkedHashMap<>();
  final Map<String, String> nodeV6 = new LinkedHashMap<>();
  private final String vipBlock;
  private final String clientBlock;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread cleanupHook = new Thread(this::cleanUp, "bgp-topology-cleanup");

  RouterTopology(int nodes) {
    String[] blocks = {"192.0.2", "198.51.100", "203.0.113"};
    List<String> others = new ArrayList<>();
    for (String b : blocks) {
      if (!b.equals(Topology.block(slot))) {
        others.add(b);
      }
    }
    vipBlock = others.get(0);
    clientBlock = others.get(1);
    Runtime.getRuntime().addShutdownHook(cleanupHook);
    try {
      must("ip", "link", "add", bridge, "type", "bridge");
      must("ip", "link", "set", bridge, "type", "bridge", "forward_delay", "0");
      quiet("sysctl", "-qw", "net.ipv6.conf." + bridge + ".accept_dad=0");
      must("ip", "addr", "add", v4(1) + "/28", "dev", bridge);
      must("ip", "link", "set", bridge, "up");
      attach(router, "r", v4(2), v6(2));
      // ECMP by a hash of the 5-tuple, so each client flow sticks to one node. Not policy 1: a
      // packet that crossed a veth keeps the sender socket's random hash (skb->l4_hash), which
      // policy 1 uses as is, so every new connection (and every TCP retransmit timeout) would
      // pick a node at random. Policy 3 hashes the fields below (55 = 0x37: addresses, protocol,
      // ports; no flow label), as policy 1 does on a router with real NICs.
      exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
          "net.ipv4.fib_multipath_hash_policy=3", "net.ipv4.fib_multipath_hash_fields=55",
          "net.ipv6.fib_multipath_hash_policy=3", "net.ipv6.fib_multipath_hash_fields=55");
      // the client's own link to the router
      must("ip", "netns", "add", client);
      namespaces.add(client);
      must("ip", "link", "add", prefix + "c0", "netns", router, "type", "veth", "peer", "name",
          "eth0", "netns", client);
      exec(client, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0");
      exec(router, "sysctl", "-qw", "net.ipv6.conf." + prefix + "c0.accept_dad=0");
      exec(router, "ip", "addr", "add", clientBlock + ".1/24", "dev", prefix + "c0");
      exec(router, "ip", "addr", "add", "2001:db8:c::1/64", "dev", prefix + "c0", "nodad");
      exec(router, "ip", "link", "set", prefix + "c0", "up");
      exec(client, "ip", "link", "set", "lo", "up");
      exec(client, "ip", "addr", "add", clientV4() + "/24", "dev", "eth0");
      exec(client, "ip", "addr", "add", "2001:db8:c::2/64", "dev", "eth0", "nodad");
      exec(client, "ip", "link", "set", "eth0", "up");
      exec(client, "ip", "route", "add", "default", "via", clientBlock + ".1");
      exec(client, "ip", "-6", "route", "add", "default", "via", "2001:db8:c::1");
      for (int i = 1; i <= nodes; i++) {
        String node = "node" + i;
        String ns = prefix + "-" + node;
        attach(ns, "n" + i, v4(2 + i), v6(2 + i));
        nodeNamespaces.put(node, ns);
        nodeV4.put(node, v4(2 + i));
        nodeV6.put(node, v6(2 + i));
        exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.keep_addr_on_down=1");
        exec(ns, "ip", "route", "add", clientBlock + ".0/24", "via", v4(2));
        exec(ns, "ip", "-6", "route", "add", "2001:db8:c::/64", "via", v6(2));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void attach(String ns, String tag, String v4, String v6) {
    must("ip", "netns", "add", ns);
    namespaces.add(ns);
    String outer = prefix + tag;
    must("ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns);
    must("ip", "link", "set", outer, "master", bridge, "up");
    exec(ns, "ip", "link", "set", "lo", "up");
    exec(ns, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0");
    exec(ns, "ip", "addr", "add", v4 + "/28", "dev", "eth0");
    exec(ns, "ip", "addr", "add", v6 + "/64", "dev", "eth0", "nodad");
    exec(ns, "ip", "link", "set", "eth0", "up");
  }

  /** Host {@code h} of the bridge's /28. */
  String v4(int h) {
    return Topology.block(slot) + "." + ((slot % 16) * 16 + h);
  }

  /** Host {@code h} of the bridge's IPv6 /64. */
  String v6(int h) {
    return "2001:db8:" + Integer.toHexString(0x200 + slot) + "::" + Integer.toHexString(h);
  }

  String apiAddress() {
    return v4(1);
  }

  String routerV4() {
    return v4(2);
  }

  String routerV6() {
    return v6(2);
  }

  String clientV4() {
    return clientBlock + ".2";
  }

  /** IPv4 VIP {@code i} (a /28 of a range the bridge does not use). */
  String vip4(int i) {
    return vipBlock + "." + (16 + i);
  }

  /** IPv6 VIP {@code i}. */
  String vip6(int i) {
    return "2001:db8:ff::" + Integer.toHexString(0x10 + i);
  }

  String vip4Pool() {
    return vipBlock + ".16/28";
  }

  String vip6Pool() {
    return "2001:db8:ff::/120";
  }

  /** The bridge-side end of a node's link: down = the node falls silent, the router keeps carrier. */
  String outerLink(String node) {
    return prefix + "n" + node.substring("node".length());
  }

  /** Puts a VIP on every node's loopback, as kube-proxy makes a node accept traffic for it. */
  void addVipToNodes(String vip) {
    for (String ns : nodeNamespaces.values()) {
      exec(ns, "ip", "addr", "add", vip + (vip.contains(":") ? "/128" : "/32"), "dev", "lo");
    }
  }

  synchronized Process spawn(String ns, Path log, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(command);
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Takes responsibility for stopping a process started elsewhere (SIGKILL, by PID, on close). */
  synchronized void adopt(Process p) {
    processes.add(p);
  }

  static String exec(String ns, String... command) {
    return Topology.exec(ns, command);
  }

  static Shell.Result tryExec(int timeoutSeconds, String ns, String... command) {
    return Topology.tryExec(timeoutSeconds, ns, command);
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
    for (String ns : namespaces) {
      quiet("ip", "netns", "del", ns);
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
      // shutting down: the hook runs anyway
    }
  }
}
