package dev.fairlead.lb.baremetal.speaker.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BGP failover measured from the client side: a probe in the client namespace keeps 16 TCP flows
 * (distinct source ports, so the router's ECMP hash pins each to one node) connecting to the VIP
 * every 20 ms; after a fault on node N, the recovery time is when every flow that went to N has
 * been answered by the other node (the answer's arrival at the client). Beside it, from the
 * router's kernel ({@code ip -ts monitor route}), when N's next hop left the VIP's route. n runs
 * per fault (default 5, {@code -Dbgp.failover.runs=N}), each with the 1-minute load average at the
 * fault; then n graceful restarts (SIGTERM, new speaker JVM) with the client's failed connections
 * and whether the route ever lost the node. Report: {@code target/reports/bgp-failover.md}.
 *
 * <p>Run: {@code ./mvnw -B -Pbgp-failover-benchmark -pl lb-metallb-style -am verify} (root, FRR).
 */
@Timeout(3600)
class BgpFailoverBenchmark {
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

  static final String PROBE = """
      import socket, struct, sys, threading, time
      vip, flows = sys.argv[1], int(sys.argv[2])
      lock = threading.Lock()
      def flow(port):
          while True:
              t = time.time()
              node = '-'
              s = socket.socket(socket.AF_INET6 if ':' in vip else socket.AF_INET, socket.SOCK_STREAM)
              s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
              # close with a RST: no TIME_WAIT, which would block this source port for 60 s
              # after an attempt that timed out after connecting (the client closing first)
              s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
              s.settimeout(0.1)
              try:
                  s.bind(('', port))
                  s.connect((vip, 8080))
                  node = s.recv(16).decode().strip() or '-'
              except Exception:
                  pass
              finally:
                  s.close()
              with lock:
                  # the time the answer arrived (or the attempt gave up)
                  print('%d %d %s' % (int(time.time() * 1000), port, node), flush=True)
              rest = 0.02 - (time.time() - t)
              if rest > 0:
                  time.sleep(rest)
      for i in range(flows):
          threading.Thread(target=flow, args=(41000 + i,), daemon=True).start()
      while True:
          time.sleep(3600)
      """;

  record Sample(long millis, int port, String node) {
    boolean answered() {
      return !node.equals("-");
    }
  }

  /** Reads the probe's lines in the background, keeping a copy in {@code probe.log}. */
  static final class Probe implements AutoCloseable {
    final List<Sample> samples = new CopyOnWriteArrayList<>();
    final Process process;

    Probe(BgpLab lab, String vip) throws IOException {
      Path script = lab.logs.resolve("probe.py");
      Files.writeString(script, PROBE);
      process = follow(lab, "probe.log", line -> {
        String[] f = line.split(" ");
        if (f.length == 3) {
          samples.add(new Sample(Long.parseLong(f[0]), Integer.parseInt(f[1]), f[2]));
        }
      }, "ip", "netns", "exec", lab.net.client, "python3", script.toAbsolutePath().toString(), vip,
          "16");
    }

    /** Flows whose last answers before {@code t} came from {@code node}. */
    Set<Integer> flowsOn(String node, long t) {
      Map<Integer, String> last = new HashMap<>();
      for (Sample s : samples) {
        if (s.millis() < t && s.answered()) {
          last.put(s.port(), s.node());
        }
      }
      Set<Integer> ports = new HashSet<>();
      last.forEach((p, n) -> {
        if (n.equals(node)) {
          ports.add(p);
        }
      });
      return ports;
    }

    /** When every flow of {@code victims} was first answered by another node after {@code t}. */
    long recoveredAt(Set<Integer> victims, String node, long t) {
      long latest = -1;
      for (int port : victims) {
        long first = samples.stream()
            .filter(s -> s.port() == port && s.millis() >= t && s.answered()
                && !s.node().equals(node))
            .mapToLong(Sample::millis).min().orElse(-1);
        if (first < 0) {
          return -1;
        }
        latest = Math.max(latest, first);
      }
      return latest;
    }

    List<Sample> of(Set<Integer> ports, long from, long to) {
      return samples.stream().filter(s -> ports.contains(s.port()) && s.millis() >= from
          && s.millis() <= to).toList();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /**
   * Starts a command (stopped with the lab, by PID) and hands each line of its output to {@code
   * onLine} on a virtual thread, keeping a copy in the lab's {@code logName}.
   */
  static Process follow(BgpLab lab, String logName, java.util.function.Consumer<String> onLine,
      String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    lab.net.adopt(process);
    BufferedWriter log = Files.newBufferedWriter(lab.logs.resolve(logName));
    Thread.ofVirtual().start(() -> {
      try (log; BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          log.write(line);
          log.newLine();
          onLine.accept(line);
        }
      } catch (IOException | RuntimeException e) {
        // the command ended (or printed what it should not; its log has it)
      }
    });
    return process;
  }

  /** A change of a route in the router's kernel: its next hops afterwards (none if deleted). */
  record RouteChange(long millis, String destination, Set<String> hops) {}

  /** {@code ip -ts -o monitor route} in the router's namespace (one line per change), parsed. */
  static final class RouteMonitor implements AutoCloseable {
    private static final Pattern LINE = Pattern.compile(
        "^\\[(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+)\\] (Deleted )?(\\S+)(.*)$");
    private static final Pattern VIA = Pattern.compile("via (?:inet6? )?(\\S+)");
    final List<RouteChange> changes = new CopyOnWriteArrayList<>();
    final Process process;

    RouteMonitor(BgpLab lab) throws IOException {
      // real-time priority: the time stamp is taken when ip reads the change, which on two
      // loaded cores could otherwise be late
      process = follow(lab, "router-routes.log", line -> {
        Matcher m = LINE.matcher(line);
        if (m.matches()) {
          Set<String> hops = new HashSet<>();
          Matcher via = VIA.matcher(m.group(4));
          while (via.find()) {
            hops.add(via.group(1));
          }
          changes.add(new RouteChange(LocalDateTime.parse(m.group(1))
              .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli(), m.group(3),
              m.group(2) != null ? Set.of() : hops));
        }
      }, "ip", "netns", "exec", lab.net.router, "chrt", "-f", "50", "ip", "-ts", "-o", "monitor",
          "route");
    }

    /** The first change at or after {@code t} that left {@code vip} without {@code hop}. */
    long goneAt(String vip, String hop, long t) {
      return changes.stream().filter(c -> c.millis() >= t && c.destination().equals(vip)
          && !c.hops().contains(hop)).mapToLong(RouteChange::millis).min().orElse(-1);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** One failover: client-side recovery and router-side withdrawal (ms after the fault). */
  record Failover(long clientMillis, long routeGoneMillis, long faultIssuedMillis, int victimFlows,
      double load) {}

  /** One graceful restart: how long the speaker was away and what the client saw meanwhile. */
  record Restart(long awayMillis, long victimAttempts, long victimFailures, long longestGapMillis,
      boolean routeKept, double load) {}

  interface Step {
    void run() throws Exception;
  }

  @Test
  void measureFailover() throws Exception {
    BgpLab.assumeAvailable();
    int runs = Integer.getInteger("bgp.failover.runs", 5);
    int bfd = Integer.getInteger("bgp.failover.bfd", 300); // the profile's interval, ms (x 3)
    String loadBefore = loadavg();
    Map<String, List<Failover>> failovers = new LinkedHashMap<>();
    List<Restart> restarts = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String bfdCounters;
    try (BgpLab lab = new BgpLab(BgpLab.PASSWORD, false, bfd)) {
      String vip = lab.net.vip4(0);
      lab.cluster.service("web", false, vip);
      awaitBoth(lab, vip);
      try (RouteMonitor routes = new RouteMonitor(lab); Probe probe = new Probe(lab, vip)) {
        for (int run = 0; run < runs; run++) {
          record(failovers, problems, "node silent (switch port down), BFD " + bfd + " ms x 3", "node1",
              () -> measure(lab, probe, routes, vip, "node1", true,
                  () -> lab.link("node1", false), () -> lab.link("node1", true)));
          record(failovers, problems, "speaker frozen (kill -STOP), BFD " + bfd + " ms x 3", "node1",
              () -> measure(lab, probe, routes, vip, "node1", true,
                  () -> signal(lab, "node1", "STOP"), () -> signal(lab, "node1", "CONT")));
          record(failovers, problems, "node silent (switch port down), no BFD, hold time 3 s",
              "node2", () -> measure(lab, probe, routes, vip, "node2", false,
                  () -> lab.link("node2", false), () -> lab.link("node2", true)));
          record(failovers, problems, "speaker SIGKILL, no graceful restart", "node2",
              () -> measure(lab, probe, routes, vip, "node2", false,
                  () -> lab.killSpeaker("node2"), () -> lab.startSpeaker("node2")));
        }
        // graceful restart on node2's peer (the speaker resets the session for the new OPEN)
        lab.peer("rtr-gr", "gr", Optional.empty(), true);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
            "Restart".equalsIgnoreCase(lab.frr.json("show bgp neighbors "
                + lab.net.nodeV4.get("node2") + " json").path(lab.net.nodeV4.get("node2"))
                .path("gracefulRestartInfo").path("remoteGrMode").asText()));
        for (int run = 0; run < runs; run++) {
          restarts.add(gracefulRestart(lab, probe, routes, vip, "node2"));
        }
        // only the 2n BFD faults may have taken the router's BFD session down: more means flaps
        bfdCounters = lab.frr.vtysh("show bfd peer " + lab.net.nodeV4.get("node1")
            + " counters").strip();
      }
    }
    String report = report(runs, bfd, failovers, restarts, problems, loadBefore, loadavg())
        + "\nThe router's BFD counters for node1 (expected session down events: " + 2 * runs
        + "):\n\n```\n" + bfdCounters + "\n```\n";
    Path out = Files.createDirectories(Path.of("target", "reports")).resolve("bgp-failover.md");
    Files.writeString(out, report);
    System.out.println(report);
    Assertions.assertThat(problems).as("runs that did not recover within %s", RECOVERY_BOUND)
        .isEmpty();
    Assertions.assertThat(restarts).as("graceful restarts that lost the route")
        .allMatch(Restart::routeKept);
  }

  interface Measurement {
    Failover run() throws Exception;
  }

  static void record(Map<String, List<Failover>> results, List<String> problems, String fault,
      String node, Measurement m) throws Exception {
    try {
      results.computeIfAbsent(fault, k -> new ArrayList<>()).add(m.run());
    } catch (NotRecovered e) {
      problems.add(fault + " (" + node + "): " + e.getMessage());
    }
  }

  /** A fault after which the victims' flows did not move within {@link #RECOVERY_BOUND}. */
  static final class NotRecovered extends Exception {
    NotRecovered(String diagnostics) {
      super(diagnostics);
    }
  }

  static Failover measure(BgpLab lab, Probe probe, RouteMonitor routes, String vip, String node,
      boolean bfd, Step fault, Step repair) throws Exception {
    awaitBoth(lab, vip);
    if (bfd) {
      awaitBfdAtSpeed(lab, node);
    }
    // both paths are in the kernel; wait until the client's flows really use the node again
    await("client flows answered by " + node + " (its TCP server: server-" + node + ".log)")
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        !probe.flowsOn(node, System.currentTimeMillis()).isEmpty());
    Thread.sleep(500);
    long t0 = System.currentTimeMillis();
    Set<Integer> victims = probe.flowsOn(node, t0);
    Assertions.assertThat(victims).as("flows hashed to %s", node).isNotEmpty();
    double load = load1();
    fault.run();
    long issued = System.currentTimeMillis() - t0; // the fault took effect within this time
    Files.writeString(lab.logs.resolve("faults.log"), "%s t0=%d (%s) issued in %d ms%n".formatted(
        node, t0, java.time.Instant.ofEpochMilli(t0), issued),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    long[] recovered = {-1};
    try {
      await().atMost(RECOVERY_BOUND).pollInterval(Duration.ofMillis(50)).until(() -> {
        recovered[0] = probe.recoveredAt(victims, node, t0);
        return recovered[0] > 0;
      });
      // the route monitor knows a change once the next line arrives: give it a moment
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
          routes.goneAt(vip, lab.net.nodeV4.get(node), t0) > 0);
    } catch (ConditionTimeoutException e) {
      String diagnostics = "after " + RECOVERY_BOUND + ": kernel next hops " + lab.kernelNextHops(vip)
          + ", router's neighbor " + lab.neighborState(node) + " (last reset " + lab.lastReset(node)
          + "), BFD " + lab.frr.vtysh("show bfd peers brief").strip().replace('\n', ';')
          + ", victims " + victims + " answered since: "
          + probe.of(victims, t0, Long.MAX_VALUE).stream().filter(Sample::answered).limit(5).toList();
      repair.run();
      throw new NotRecovered(diagnostics);
    }
    repair.run();
    return new Failover(recovered[0] - t0, routes.goneAt(vip, lab.net.nodeV4.get(node), t0) - t0,
        issued, victims.size(), load);
  }

  static Restart gracefulRestart(BgpLab lab, Probe probe, RouteMonitor routes, String vip,
      String node) throws Exception {
    awaitBoth(lab, vip);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        !probe.flowsOn(node, System.currentTimeMillis()).isEmpty());
    Thread.sleep(500);
    long t0 = System.currentTimeMillis();
    Set<Integer> victims = probe.flowsOn(node, t0);
    double load = load1();
    lab.stopSpeaker(node); // SIGTERM: Cease with the N bit, the router keeps the routes as stale
    lab.startSpeaker(node);
    await().atMost(Duration.ofSeconds(110)).pollInterval(Duration.ofMillis(200)).until(() ->
        "Established".equals(lab.neighborState(node)) && lab.paths(vip + "/32").size() == 2
            && lab.paths(vip + "/32").stream().noneMatch(p -> p.path("stale").asBoolean()));
    long t1 = System.currentTimeMillis();
    Thread.sleep(1000); // let the monitor and the probe report up to t1
    List<Sample> seen = probe.of(victims, t0, t1);
    long failures = seen.stream().filter(s -> !s.answered()).count();
    long longestGap = 0;
    for (int port : victims) {
      long last = t0;
      for (Sample s : seen) {
        if (s.port() == port && s.answered()) {
          longestGap = Math.max(longestGap, s.millis() - last);
          last = s.millis();
        }
      }
      longestGap = Math.max(longestGap, t1 - last);
    }
    boolean kept = routes.changes.stream().noneMatch(c -> c.millis() >= t0 && c.millis() <= t1
        && c.destination().equals(vip) && !c.hops().contains(lab.net.nodeV4.get(node)));
    return new Restart(t1 - t0, seen.size(), failures, longestGap, kept, load);
  }

  static void awaitBoth(BgpLab lab, String vip) {
    await("both next hops in the router's kernel").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        lab.kernelNextHops(vip).size() == 2);
  }

  /**
   * Waits until the router's BFD session with the node is up at the profile's speed: the speaker
   * starts slow (1 s) and switches to the profile's interval with a Poll Sequence once up, so before that the
   * router would need 3 s to notice.
   */
  static void awaitBfdAtSpeed(BgpLab lab, String node) {
    String ip = lab.net.nodeV4.get(node);
    await("the router's BFD session with " + node + " up at " + lab.bfdMillis + " ms").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (JsonNode peer : lab.frr.json("show bfd peers json")) {
        if (peer.path("peer").asText().equals(ip)) {
          return peer.path("status").asText().equals("up")
              && peer.path("remote-transmit-interval").asInt(-1) == lab.bfdMillis;
        }
      }
      return false;
    });
  }

  static void signal(BgpLab lab, String node, String signal) {
    Shell.must("kill", "-" + signal, String.valueOf(lab.speakers.get(node).pid()));
  }

  static String loadavg() {
    return Shell.quiet("cat", "/proc/loadavg").output().strip();
  }

  static double load1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String report(int runs, int bfd, Map<String, List<Failover>> failovers,
      List<Restart> restarts,
      List<String> problems, String loadBefore, String loadAfter) {
    StringBuilder r = new StringBuilder("""
        # BGP failover, measured from the client side

        FRR 8.4 router (namespace), 2 node namespaces each with a `fairlead speaker` JVM and a TCP
        server, a client namespace behind the router probing 16 flows every 20 ms (100 ms connect
        timeout). Client: from the fault until every flow that went to the faulty node has an
        answer from the other node. Router: from the fault until the node's next hop left the
        VIP's route in the router's kernel (`ip -ts monitor route`). Hold time 3 s (FRR `timers 1
        3`), BFD %d ms x 3. Load: 1-minute load average at each fault (2 shared cores).

        | fault | n | client median | client max | router median | router max | load median (min-max) |
        |---|---|---|---|---|---|---|
        """.formatted(bfd));
    failovers.forEach((fault, list) -> r.append("| ").append(fault).append(" | ")
        .append(list.size()).append(" | ").append(median(list.stream().map(Failover::clientMillis).toList()))
        .append(" ms | ").append(max(list.stream().map(Failover::clientMillis).toList()))
        .append(" ms | ").append(median(list.stream().map(Failover::routeGoneMillis).toList()))
        .append(" ms | ").append(max(list.stream().map(Failover::routeGoneMillis).toList()))
        .append(" ms | ").append(loads(list.stream().map(Failover::load).toList())).append(" |\n"));
    if (!restarts.isEmpty()) {
      r.append("""

          Graceful restart (SIGTERM, a new speaker JVM, until the router has the node's path again,
          not stale): the node's flows during that time.

          | n | speaker away median (max) | route kept | victim attempts | failed | longest gap | load median (min-max) |
          |---|---|---|---|---|---|---|
          """);
      r.append("| ").append(restarts.size()).append(" | ")
          .append(median(restarts.stream().map(Restart::awayMillis).toList())).append(" ms (")
          .append(max(restarts.stream().map(Restart::awayMillis).toList())).append(" ms) | ")
          .append(restarts.stream().filter(Restart::routeKept).count()).append("/")
          .append(restarts.size()).append(" | ")
          .append(restarts.stream().mapToLong(Restart::victimAttempts).sum()).append(" | ")
          .append(restarts.stream().mapToLong(Restart::victimFailures).sum()).append(" | ")
          .append(max(restarts.stream().map(Restart::longestGapMillis).toList())).append(" ms | ")
          .append(loads(restarts.stream().map(Restart::load).toList())).append(" |\n");
    }
    r.append("\nRaw: ").append(failovers).append("\n\n").append(restarts).append('\n');
    if (!problems.isEmpty()) {
      r.append("\nNot recovered within ").append(RECOVERY_BOUND).append(":\n");
      problems.forEach(p -> r.append("- ").append(p).append('\n'));
    }
    r.append("\nRuns per fault: ").append(runs).append(". /proc/loadavg before: ").append(loadBefore)
        .append("; after: ").append(loadAfter).append(".\n");
    return r.toString();
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? -1 : sorted.get((sorted.size() - 1) / 2);
  }

  static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  static String loads(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? "-" : "%.1f (%.1f-%.1f)".formatted(sorted.get((sorted.size() - 1) / 2),
        sorted.getFirst(), sorted.getLast());
  }
}
