package dev.fairlead.lb.baremetal.speaker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.baremetal.speaker.election.Election;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failover figures over real Linux networking, membership encryption on (not part of the default
 * build; run with {@code ./mvnw -B -Pfailover-benchmark -pl lb-metallb-style -am verify
 * -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false}). Same
 * topology as {@link SpeakerNetnsIT}; the client runs {@link ClientProbe}, an independent observer
 * (raw ARP requests every 10 ms, TCP connects every 50 ms). Writes {@code
 * target/reports/failover.md}. The machine load ({@code /proc/loadavg}) is recorded with every
 * scenario, since the 2 CPUs are shared with other builds.
 *
 * <ol>
 *   <li>SIGKILL of the elected speaker → first ARP reply / TCP connection from another node;
 *   <li>the elected node's link taken down (no FIN, no RST; the speaker keeps running) → first TCP
 *       connection / ARP reply from another node;
 *   <li>a bridge partition around the elected node, healed → the moment after which only one node
 *       answers ARP for the VIP;
 *   <li>both CPUs saturated for 60 s → no membership change, no VIP movement, no other node ever
 *       answering.
 * </ol>
 */
class FailoverBenchmark {
  static final int RUNS = Integer.getInteger("failover.runs", 10);
  static final Duration STRESS = Duration.ofSeconds(Integer.getInteger("failover.stressSeconds", 60));
  static final List<String> NODES = List.of("node1", "node2", "node3");

  static Topology net;
  static MockCluster cluster;
  static final Map<String, SpeakerProcess> speakers = new LinkedHashMap<>();
  static final List<String[]> observations = new CopyOnWriteArrayList<>();
  static String vip;
  static String owner;
  static Path logs;

  /** One scenario's samples and the machine load around it. */
  record Scenario(String what, String target, List<Long> samples, String loadBefore, String loadAfter) {}

  @BeforeAll
  static void setUp() throws Exception {
    Topology.assumeAvailable(Topology.unavailable());
    net = new Topology(3);
    logs = Files.createDirectories(Path.of("target", "speaker-it", net.prefix));
    cluster = new MockCluster(net.apiAddress(), logs);
    cluster.membershipSecret(MockCluster.SECRET, Map.of("key", MockCluster.newKey()));
    for (String node : NODES) {
      cluster.node(node, net.nodeV4.get(node));
    }
    vip = net.vip4(0);
    owner = winner(NODES);
    cluster.pool("default", vip + "/32");
    net.addVipToNodes(vip);
    Path script = logs.resolve("server.py");
    Files.writeString(script, SpeakerNetnsIT.SERVER);
    for (String node : NODES) {
      net.spawn(net.nodeNamespaces.get(node), logs.resolve("server-" + node + ".log"),
          List.of("python3", script.toAbsolutePath().toString(), node));
      SpeakerProcess s = new SpeakerProcess(net, cluster, node, logs);
      speakers.put(node, s);
      s.start();
    }
    awaitMembers();
    cluster.service("web", false, vip);
    Process probe = new ProcessBuilder("ip", "netns", "exec", net.client, SpeakerProcess.javaBinary(),
        "-Xmx48m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), ClientProbe.class.getName(),
        "eth0", net.clientV4(), vip)
        .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve("probe.err").toFile())).start();
    net.adopt(probe);
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          observations.add(line.split(" "));
        }
      } catch (IOException e) {
        // probe ended
      }
    });
    awaitSteady();
  }

  @AfterAll
  static void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
    if (net != null) {
      net.close();
    }
  }

  static String winner(List<String> candidates) {
    return candidates.stream().min(Comparator.comparing(
        (String n) -> Election.score(n, InetAddress.ofLiteral(vip)), Arrays::compareUnsigned))
        .orElseThrow();
  }

  static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + "/" + parts[1] + "/" + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static void awaitMembers() {
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (SpeakerProcess s : speakers.values()) {
        assertThat(s.metric("fairlead_speaker_members", "")).as(s.node).isEqualTo(3);
      }
    });
  }

  /** The owner answers ARP alone and serves TCP, for a full second. */
  static void awaitSteady() {
    String mac = net.nodeMacs.get(owner);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
      long since = System.currentTimeMillis() - 1000;
      List<String[]> recent = observations.stream().filter(o -> Long.parseLong(o[1]) >= since).toList();
      return recent.stream().anyMatch(o -> o[0].equals("A"))
          && recent.stream().anyMatch(o -> o[0].equals("T"))
          && recent.stream().allMatch(o -> o[0].equals("A") ? o[2].equalsIgnoreCase(mac) : o[2].equals(owner));
    });
  }

  /** Whether an observation comes from another node than the owner. */
  static boolean fromOther(String[] o) {
    return o[0].equals("A") ? !o[2].equalsIgnoreCase(net.nodeMacs.get(owner)) : !o[2].equals(owner);
  }

  /** Milliseconds from {@code t0} to the first observation of {@code kind} not from the owner. */
  static long firstOther(String kind, long t0) {
    long[] found = {-1};
    int from = Math.max(0, observations.size() - 400);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      for (String[] o : observations.subList(from, observations.size())) {
        long t = Long.parseLong(o[1]);
        if (o[0].equals(kind) && t >= t0 && fromOther(o)) {
          found[0] = t - t0;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  @Test
  void measureFailover() throws Exception {
    List<Scenario> scenarios = new ArrayList<>();

    String before = load();
    List<Long> killToArp = new ArrayList<>();
    List<Long> killToTcp = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.currentTimeMillis();
      speakers.get(owner).kill();
      killToArp.add(firstOther("A", t0));
      killToTcp.add(firstOther("T", t0));
      speakers.get(owner).start();
      awaitMembers();
      awaitSteady();
    }
    scenarios.add(new Scenario("SIGKILL of the elected speaker → another node answers ARP", "< 500",
        killToArp, before, load()));
    scenarios.add(new Scenario("SIGKILL of the elected speaker → client TCP reaches another node", "",
        killToTcp, before, load()));

    before = load();
    List<Long> linkToTcp = new ArrayList<>();
    List<Long> linkToArp = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.currentTimeMillis();
      Shell.must("ip", "link", "set", net.outerLink(owner), "down");
      try {
        linkToTcp.add(firstOther("T", t0));
        linkToArp.add(firstOther("A", t0));
      } finally {
        Shell.must("ip", "link", "set", net.outerLink(owner), "up");
      }
      awaitMembers();
      awaitSteady();
    }
    scenarios.add(new Scenario("link down (no FIN) → client TCP reaches another node", "< 1500",
        linkToTcp, before, load()));
    scenarios.add(new Scenario("link down (no FIN) → another node answers ARP", "", linkToArp,
        before, load()));

    before = load();
    List<Long> healToOneOwner = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      healToOneOwner.add(partitionAndHeal());
      awaitMembers();
      awaitSteady();
    }
    scenarios.add(new Scenario("bridge partition healed → only one node answers ARP again", "",
        healToOneOwner, before, load()));

    String stress = cpuStress();

    String report = report(scenarios, stress);
    Path out = Files.createDirectories(Path.of("target", "reports")).resolve("failover.md");
    Files.writeString(out, report);
    System.out.println(report);
    assertThat(median(killToArp)).as("SIGKILL -> ARP answered by another node, median ms").isLessThan(500);
    assertThat(median(linkToTcp)).as("link down -> client traffic on another node, median ms").isLessThan(1500);
  }

  /**
   * Cuts the owner off the other nodes at the bridge until both sides answer (split brain), heals,
   * and returns the milliseconds from the heal to the last ARP reply from the other side.
   */
  static long partitionAndHeal() {
    List<String> others = NODES.stream().filter(n -> !n.equals(owner)).toList();
    String table = net.partition(owner, others);
    long t0;
    try {
      long cut = System.currentTimeMillis();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
          observations.stream().anyMatch(o -> o[0].equals("A") && Long.parseLong(o[1]) > cut && fromOther(o)));
    } finally {
      t0 = System.currentTimeMillis();
      net.heal(table);
    }
    // Settled: 5 s in a row with replies from the owner only.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
      long since = System.currentTimeMillis() - 5000;
      List<String[]> recent = observations.stream()
          .filter(o -> o[0].equals("A") && Long.parseLong(o[1]) >= Math.max(since, t0)).toList();
      return System.currentTimeMillis() - t0 > 5000 && !recent.isEmpty()
          && recent.stream().noneMatch(FailoverBenchmark::fromOther);
    });
    return observations.stream()
        .filter(o -> o[0].equals("A") && Long.parseLong(o[1]) >= t0 && fromOther(o))
        .mapToLong(o -> Long.parseLong(o[1]) - t0).max().orElse(0);
  }

  /**
   * Saturates every CPU (two busy loops per CPU, each ending by itself and stopped by PID) for
   * {@link #STRESS} and checks that nothing moves: members stay 3 on every speaker (polled every
   * second), no ownership change, every ARP reply and TCP connection from the owner.
   *
   * @return the report lines
   */
  static String cpuStress() throws Exception {
    int cpus = Runtime.getRuntime().availableProcessors();
    Map<String, Double> changesBefore = new LinkedHashMap<>();
    for (String node : NODES) {
      changesBefore.put(node, Math.max(0, speakers.get(node).metric("fairlead_speaker_ownership_changes_total", "")));
    }
    String loadBefore = load();
    List<Process> burners = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    for (int i = 0; i < 2 * cpus; i++) {
      // One process per burner (no wrapper whose child would survive a SIGKILL), bounded in time.
      burners.add(net.spawn(net.client, logs.resolve("burner.log"), List.of("python3", "-c",
          "import time\nend = time.time() + " + (STRESS.toSeconds() + 10)
              + "\nwhile time.time() < end:\n    pass\n")));
    }
    int minMembers = 3;
    String loadDuring = "?";
    try {
      while (System.currentTimeMillis() - t0 < STRESS.toMillis()) {
        Thread.sleep(1000);
        for (String node : NODES) {
          double members = speakers.get(node).metric("fairlead_speaker_members", "");
          if (members >= 0) {
            minMembers = Math.min(minMembers, (int) members);
          }
        }
        if (System.currentTimeMillis() - t0 > STRESS.toMillis() / 2 && loadDuring.equals("?")) {
          loadDuring = load();
        }
      }
    } finally {
      for (Process p : burners) {
        p.destroyForcibly();
      }
    }
    long t1 = System.currentTimeMillis();
    List<String[]> during = observations.stream()
        .filter(o -> Long.parseLong(o[1]) >= t0 && Long.parseLong(o[1]) <= t1).toList();
    long arp = during.stream().filter(o -> o[0].equals("A")).count();
    long tcp = during.stream().filter(o -> o[0].equals("T")).count();
    long foreign = during.stream().filter(FailoverBenchmark::fromOther).count();
    double moved = 0;
    for (String node : NODES) {
      moved += Math.max(0, speakers.get(node).metric("fairlead_speaker_ownership_changes_total", ""))
          - changesBefore.get(node);
    }
    long maxGap = 0;
    long last = t0;
    for (String[] o : during) {
      if (o[0].equals("A")) {
        long t = Long.parseLong(o[1]);
        maxGap = Math.max(maxGap, t - last);
        last = t;
      }
    }
    assertThat(foreign).as("replies from another node during the CPU stress").isZero();
    assertThat(moved).as("ownership changes during the CPU stress").isZero();
    assertThat(minMembers).as("smallest member count seen during the CPU stress").isEqualTo(3);
    return """
        CPU stress: %d busy loops on %d CPUs for %d s (load %s before, %s in the middle): \
        smallest member count seen on any speaker %d (polled every second), ownership changes %.0f, \
        %d ARP replies and %d TCP connections observed, %d of them from another node than the \
        owner; longest gap between two ARP replies %d ms.
        """.formatted(2 * cpus, cpus, STRESS.toSeconds(), loadBefore, loadDuring, minMembers, moved,
        arp, tcp, foreign, maxGap);
  }

  static long median(List<Long> samples) {
    List<Long> s = samples.stream().sorted().toList();
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  static String row(Scenario sc) {
    List<Long> s = sc.samples().stream().sorted().toList();
    return "| %s | %d | %d | %d | %d | %s | %s → %s | %s |%n".formatted(sc.what(), s.size(), s.getFirst(),
        median(s), s.getLast(), sc.target(), sc.loadBefore(), sc.loadAfter(), sc.samples());
  }

  static String report(List<Scenario> scenarios, String stress) {
    StringBuilder rows = new StringBuilder();
    scenarios.forEach(s -> rows.append(row(s)));
    return """
        # Bare-metal speaker failover

        Measured %s by `FailoverBenchmark` (`./mvnw -B -Pfailover-benchmark -pl lb-metallb-style -am verify -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false`):
        three node network namespaces with one `fairlead speaker` process each (membership sealed
        with a key from a Secret), a client namespace, one bridge, Linux %s, %d CPUs shared with
        other builds. Times in milliseconds from the fault (wall clock of the test) to the first
        observation by the client probe (ARP request every 10 ms through a raw socket; TCP connect
        every 50 ms with a 200 ms timeout through the client's kernel and neighbour cache). Load is
        /proc/loadavg (1/5/15 min) before and after each scenario.

        | fault → observation | n | min | median | max | target | load | samples |
        |---|---|---|---|---|---|---|---|
        %s
        %s
        Speaker settings (defaults): heartbeat 200 ms, failure timeout 800 ms, verify timeout
        100 ms, VIP claimed at once (probe in parallel), gratuitous ARP at once and every 1.1 s for
        5 s, MERGE3 discovery every 1-3 s and view check every 3.2 s.

        Where the time goes:
        - SIGKILL: the dead process's TCP sockets are closed by its kernel, so FD_SOCK2 on the
          neighbour suspects it at once; VERIFY_SUSPECT2 waits 100-200 ms for a sign of life; the
          coordinator installs a new view; every speaker re-runs the election; the winner claims
          the VIP, answers and sends gratuitous ARP.
        - Link down: no FIN reaches anybody; FD_ALL3 suspects the node after 0.8-1.0 s without a
          heartbeat (checked every 200 ms), then the same steps. The client's cache follows the
          first gratuitous ARP of the new owner.
        - Partition healed: MERGE3 sees the other side's view at its next discovery round (1-3 s)
          and merges at the next view check (every 3.2 s); the merged view re-runs the election
          and the node that lost the VIP stops answering before its election step returns.

        Published for comparison (reference brief §7): kube-vip about 3 s; Cilium 10–20 s with
        default leases (2–4 s tuned); MetalLB "a few seconds", user reports of 10–40 s.
        """.formatted(Instant.now(), System.getProperty("os.version"),
        Runtime.getRuntime().availableProcessors(), rows, stress);
  }
}
