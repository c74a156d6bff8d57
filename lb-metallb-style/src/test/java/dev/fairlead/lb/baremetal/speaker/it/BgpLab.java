package dev.fairlead.lb.baremetal.speaker.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairlead.lb.baremetal.crd.BFDProfile;
import dev.fairlead.lb.baremetal.crd.BFDProfileSpec;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisement;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisementSpec;
import dev.fairlead.lb.baremetal.crd.BGPPeer;
import dev.fairlead.lb.baremetal.crd.BGPPeerSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The BGP test bench shared by {@code BgpFrrIT} and {@code BgpFailoverBenchmark}: the {@link
 * RouterTopology} with FRR 8.4 as the router (AS 64512), two nodes (AS 64513) each running a
 * speaker JVM and a TCP server that answers with the node's name, the mock API server on the
 * bridge, and the BGP objects: node1 peers with BFD (300 ms x 3 unless told otherwise), node2 with graceful restart (or
 * with neither); both with hold time 3 s and a TCP MD5 password from a Secret.
 */
final class BgpLab implements AutoCloseable {
  static final long ROUTER_AS = 64512;
  static final long NODE_AS = 64513;
  static final String PASSWORD = "s3cret-md5";
  static final List<String> NODES = List.of("node1", "node2");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Skips, with the reason, where namespaces or FRR are missing. */
  static void assumeAvailable() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Shell.has("ip"), "skipped: iproute2 missing");
    org.junit.jupiter.api.Assumptions.assumeTrue(Shell.root(),
        "skipped: network namespaces need root");
    org.junit.jupiter.api.Assumptions.assumeTrue(Shell.has("python3") && Shell.has("curl"),
        "skipped: python3 and curl are needed in the client namespace");
    Frr.assumeInstalled();
  }

  final RouterTopology net;
  final MockCluster cluster;
  final Frr frr;
  final Path logs;
  final Map<String, Process> speakers = new LinkedHashMap<>();

  /** The BFD interval of the "fast" profile, on both sides, in milliseconds. */
  final int bfdMillis;

  BgpLab(String initialPassword, boolean gracefulRestartOnNode2) throws IOException {
    this(initialPassword, gracefulRestartOnNode2, 300);
  }

  BgpLab(String initialPassword, boolean gracefulRestartOnNode2, int bfdMillis)
      throws IOException {
    this.bfdMillis = bfdMillis;
    net = new RouterTopology(2);
    try {
      logs = Files.createDirectories(Path.of("target", "bgp-it", net.prefix));
      cluster = new MockCluster(net.apiAddress(), logs);
      cluster.membershipSecret(MockCluster.SECRET, Map.of("key", MockCluster.newKey()));
      for (Class<? extends io.fabric8.kubernetes.client.CustomResource<?, ?>> type : List.of(
          BGPPeer.class, BGPAdvertisement.class, BFDProfile.class)) {
        cluster.server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(type));
      }
      frr = new Frr(net, net.router, logs.resolve("frr"), zebraConf(), bgpdConf(), bfddConf());
      Path server = logs.resolve("server.py");
      Files.writeString(server, SpeakerNetnsIT.SERVER);
      for (String node : NODES) {
        cluster.node(node, net.nodeV4.get(node));
        net.spawn(net.nodeNamespaces.get(node), logs.resolve("server-" + node + ".log"),
            List.of("python3", server.toAbsolutePath().toString(), node));
      }
      label("node1", "bgp", "bfd");
      label("node2", "bgp", "gr");
      cluster.pool("bgp", net.vip4Pool(), net.vip6Pool());
      for (int i = 0; i < 4; i++) {
        net.addVipToNodes(net.vip4(i));
        net.addVipToNodes(net.vip6(i));
      }
      secret(initialPassword);
      bfdProfile("fast", bfdMillis, 3);
      peer("rtr-bfd", "bfd", Optional.of("fast"), false);
      peer("rtr-gr", "gr", Optional.empty(), gracefulRestartOnNode2);
      advertisement("all", List.of("64513:100", "large:64513:7:9"));
      for (String node : NODES) {
        startSpeaker(node);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private String zebraConf() {
    // Without "no zebra nexthop kernel enable", after a link flap FRR's view and the kernel's
    // next-hop group can disagree (see the BGP reference); tests check the kernel too.
    return """
        hostname rtr
        no zebra nexthop kernel enable
        log stdout informational
        log timestamp precision 3
        """;
  }

  private String bgpdConf() {
    StringBuilder b = new StringBuilder("""
        hostname rtr
        log stdout informational
        log timestamp precision 3
        router bgp %d
         bgp router-id %s
         no bgp ebgp-requires-policy
         bgp bestpath as-path multipath-relax
         bgp log-neighbor-changes
        """.formatted(ROUTER_AS, net.routerV4()));
    for (String node : NODES) {
      String ip = net.nodeV4.get(node);
      b.append(" neighbor ").append(ip).append(" remote-as ").append(NODE_AS).append('\n');
      b.append(" neighbor ").append(ip).append(" passive\n");
      b.append(" neighbor ").append(ip).append(" timers 1 3\n");
      b.append(" neighbor ").append(ip).append(" password ").append(PASSWORD).append('\n');
    }
    b.append(" neighbor ").append(net.nodeV4.get("node1")).append(" bfd profile fast\n");
    for (String family : List.of("ipv4", "ipv6")) {
      b.append(" address-family ").append(family).append(" unicast\n");
      for (String node : NODES) {
        b.append("  neighbor ").append(net.nodeV4.get(node)).append(" activate\n");
      }
      b.append("  maximum-paths 8\n exit-address-family\n");
    }
    return b.toString();
  }

  private String bfddConf() {
    // state changes with millisecond time stamps: where a failover's time goes
    return """
        log stdout informational
        log timestamp precision 3
        debug bfd peer
        bfd
         profile fast
          detect-multiplier 3
          receive-interval %d
          transmit-interval %d
         !
        !
        """.formatted(bfdMillis, bfdMillis);
  }

  // --- Kubernetes objects ------------------------------------------------------------------------

  void label(String node, String key, String value) {
    cluster.client.nodes().withName(node).edit(n -> {
      n.getMetadata().getLabels().put(key, value);
      return n;
    });
  }

  void unlabel(String node, String key) {
    cluster.client.nodes().withName(node).edit(n -> {
      n.getMetadata().getLabels().remove(key);
      return n;
    });
  }

  void secret(String password) {
    cluster.client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata()
        .withName("bgp-password").withNamespace("default").endMetadata()
        .addToData("password", java.util.Base64.getEncoder().encodeToString(
            password.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .build()).createOr(op -> op.update());
  }

  void bfdProfile(String name, int intervalMillis, int multiplier) {
    BFDProfile p = new BFDProfile();
    p.getMetadata().setName(name);
    p.setSpec(new BFDProfileSpec(intervalMillis, intervalMillis, multiplier, null, null, null, null));
    cluster.client.resources(BFDProfile.class).resource(p).createOr(op -> op.update());
  }

  void peer(String name, String nodeLabel, Optional<String> bfd, boolean gracefulRestart) {
    BGPPeer p = new BGPPeer();
    p.getMetadata().setName(name);
    p.setSpec(new BGPPeerSpec(NODE_AS, ROUTER_AS, net.routerV4(), null, null, "3s", null, "2s",
        null, null, List.of(new LabelSelectorBuilder().addToMatchLabels("bgp", nodeLabel).build()),
        null, new BGPPeerSpec.SecretReference("bgp-password", "default"), bfd.orElse(null),
        gracefulRestart, true, null, null, null));
    if (cluster.client.resources(BGPPeer.class).withName(name).get() == null) {
      cluster.client.resources(BGPPeer.class).resource(p).create();
      return;
    }
    // The speakers patch the status all the time: retry the spec change on a conflict.
    for (int attempt = 1; ; attempt++) {
      try {
        cluster.client.resources(BGPPeer.class).withName(name).edit(old -> {
          old.setSpec(p.getSpec());
          return old;
        });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 20) {
          throw e;
        }
      }
    }
  }

  void advertisement(String name, List<String> communities) {
    BGPAdvertisement a = new BGPAdvertisement();
    a.getMetadata().setName(name);
    a.setSpec(new BGPAdvertisementSpec(null, null, null, communities, List.of("bgp"), null, null,
        null));
    cluster.client.resources(BGPAdvertisement.class).resource(a).createOr(op -> op.update());
  }

  BGPPeer peerObject(String name) {
    return cluster.client.resources(BGPPeer.class).withName(name).get();
  }

  // --- speakers ---------------------------------------------------------------------------------

  void startSpeaker(String node) {
    try {
      Files.writeString(logs.resolve("speaker-" + node + ".log"),
          "---- start " + java.time.Instant.now() + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    speakers.put(node, net.spawn(net.nodeNamespaces.get(node), logs.resolve("speaker-" + node + ".log"),
        List.of(SpeakerProcess.javaBinary(), "-Xmx128m", "-XX:+UseSerialGC",
            // the mock API server shares two overloaded cores with everything else here
            "-Dkubernetes.request.timeout=60000",
            "-XX:TieredStopAtLevel=1", "-Xss512k", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "dev.fairlead.controller.cli.Fairlead",
            "speaker", "--node-name", node, "--interfaces", "eth0",
            "--metrics-port", String.valueOf(SpeakerProcess.METRICS_PORT),
            "--membership-secret=default/" + MockCluster.SECRET,
            "--kubeconfig", cluster.kubeconfig.toString())));
  }

  /** SIGKILL by PID: no NOTIFICATION, the kernel closes the TCP connection. */
  void killSpeaker(String node) throws InterruptedException {
    Process p = speakers.get(node);
    p.destroyForcibly();
    p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** SIGTERM by PID: the speaker stops its sessions as a restart (graceful restart). */
  void stopSpeaker(String node) throws InterruptedException {
    Process p = speakers.get(node);
    p.destroy();
    p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Takes a node's switch port down or up: the node falls silent, the router keeps carrier. */
  void link(String node, boolean up) {
    Shell.must("ip", "link", "set", net.outerLink(node), up ? "up" : "down");
  }

  String speakerLog(String node) {
    try {
      List<String> lines = Files.readAllLines(logs.resolve("speaker-" + node + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** A speaker's Prometheus text, fetched through the bridge. */
  String metrics(String node) {
    return Shell.quiet("curl", "-s", "--max-time", "3",
        "http://" + net.nodeV4.get(node) + ":" + SpeakerProcess.METRICS_PORT + "/metrics").output();
  }

  // --- the router's view -------------------------------------------------------------------------

  /** BGP state of the router's neighbor for a node. */
  String neighborState(String node) {
    JsonNode n = frr.json("show bgp neighbors " + net.nodeV4.get(node) + " json")
        .path(net.nodeV4.get(node));
    return n.path("bgpState").asText("none");
  }

  /**
   * Why the router last reset its session with a node: FRR's reason, and for a NOTIFICATION it
   * sent or received, its name and code ("Hold Timer Expired", "Cease/BFD Down", "060a").
   */
  String lastReset(String node) {
    JsonNode n = frr.json("show bgp neighbors " + net.nodeV4.get(node) + " json")
        .path(net.nodeV4.get(node));
    return n.path("lastResetDueTo").asText("") + " | " + n.path("lastNotificationReason").asText("")
        + " | " + n.path("lastErrorCodeSubcode").asText("");
  }

  /** The router's BGP paths for a prefix (empty if none). */
  List<JsonNode> paths(String prefix) {
    String family = prefix.contains(":") ? "ipv6" : "ipv4";
    JsonNode paths = frr.json("show bgp " + family + " unicast " + prefix + " json").path("paths");
    List<JsonNode> list = new ArrayList<>();
    paths.forEach(list::add);
    return list;
  }

  /** Next hops of the router's BGP paths for a prefix, sorted. */
  List<String> bgpNextHops(String prefix) {
    return paths(prefix).stream().map(p -> p.path("nexthops").path(0).path("ip").asText())
        .sorted().toList();
  }

  /** The router's kernel next hops for an address (one gateway or a multipath set), sorted. */
  List<String> kernelNextHops(String address) {
    Shell.Result r = RouterTopology.tryExec(10, net.router, "ip", "-j",
        address.contains(":") ? "-6" : "-4", "route", "show", address);
    try {
      JsonNode routes = JSON.readTree(r.output().isBlank() ? "[]" : r.output());
      List<String> hops = new ArrayList<>();
      for (JsonNode route : routes) {
        if (!route.path("protocol").asText().equals("bgp")) {
          continue;
        }
        if (route.has("nexthops")) {
          route.path("nexthops").forEach(h -> hops.add(h.path("gateway").asText()));
        } else if (route.has("gateway")) {
          hops.add(route.path("gateway").asText());
        }
      }
      return hops.stream().sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many TCP MD5 signature failures the router's kernel counted. */
  long md5Failures() {
    String out = RouterTopology.tryExec(10, net.router, "nstat", "-az", "TcpExtTCPMD5Failure")
        .output();
    for (String line : out.split("\n")) {
      if (line.startsWith("TcpExtTCPMD5Failure")) {
        return Long.parseLong(line.trim().split("\\s+")[1]);
      }
    }
    return 0;
  }

  // --- the client's view -------------------------------------------------------------------------

  /**
   * Connects to VIP:8080 from {@code flows} distinct source ports and counts which node answered
   * (flows that failed count under "-").
   */
  Map<String, Integer> flows(String vip, int flows) {
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < flows; i++) {
      Shell.Result r = RouterTopology.tryExec(10, net.client, "curl", "-s", "--max-time", "1",
          "--local-port", String.valueOf(40000 + i), "telnet://" + (vip.contains(":") ? "[" + vip + "]" : vip) + ":8080");
      String out = r.output().strip();
      answers.merge(out.matches("node\\d+") ? out : "-", 1, Integer::sum);
    }
    return answers;
  }

  @Override
  public void close() {
    if (frr != null) {
      frr.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    net.close();
  }
}
