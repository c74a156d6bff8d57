package dev.fairlead.lb.baremetal.speaker.it;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BGP failover measured from the client side: a probe in the client namespace keeps 16 TCP flows
 * (distinct source ports, so the router's ECMP hash pins each to one node) connecting to the VIP
 * every 20 ms; after a fault on node N, the recovery time is when every flow that went to N is
 * answered by the other node. n runs per fault (default 5, {@code -Dbgp.failover.runs=N}); the
 * report goes to {@code target/reports/bgp-failover.md} with the machine's load.
 *
 * <p>Run: {@code ./mvnw -B -Pbgp-failover-benchmark -pl lb-metallb-style -am verify} (root, FRR).
 */
@Timeout(1800)
class BgpFailoverBenchmark {
  static final String PROBE = """
      import socket, sys, threading, time
      vip, flows = sys.argv[1], int(sys.argv[2])
      lock = threading.Lock()
      def flow(port):
          while True:
              t = time.time()
              node = '-'
              s = socket.socket(socket.AF_INET6 if ':' in vip else socket.AF_INET, socket.SOCK_STREAM)
              s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
                  print('%d %d %s' % (int(t * 1000), port, node), flush=True)
              rest = 0.02 - (time.time() - t)
              if rest > 0:
                  time.sleep(rest)
      for i in range(flows):
          threading.Thread(target=flow, args=(41000 + i,), daemon=True).start()
      while True:
          time.sleep(3600)
      """;

  record Sample(long millis, int port, String node) {}

  /** Reads the probe's lines in the background. */
  static final class Probe implements AutoCloseable {
    final List<Sample> samples = new CopyOnWriteArrayList<>();
    final Process process;

    Probe(BgpLab lab, String vip) throws IOException {
      Path script = lab.logs.resolve("probe.py");
      Files.writeString(script, PROBE);
      process = new ProcessBuilder("ip", "netns", "exec", lab.net.client, "python3",
          script.toAbsolutePath().toString(), vip, "16").redirectErrorStream(true).start();
      Thread.ofVirtual().start(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            String[] f = line.split(" ");
            if (f.length == 3) {
              samples.add(new Sample(Long.parseLong(f[0]), Integer.parseInt(f[1]), f[2]));
            }
          }
        } catch (IOException | NumberFormatException e) {
          // probe ended
        }
      });
    }

    /** Flows whose last answers before {@code t} came from {@code node}. */
    Set<Integer> flowsOn(String node, long t) {
      Map<Integer, String> last = new HashMap<>();
      for (Sample s : samples) {
        if (s.millis() < t && !s.node().equals("-")) {
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
            .filter(s -> s.port() == port && s.millis() >= t && !s.node().equals("-")
                && !s.node().equals(node))
            .mapToLong(Sample::millis).min().orElse(-1);
        if (first < 0) {
          return -1;
        }
        latest = Math.max(latest, first);
      }
      return latest;
    }

    long failures(long from, long to) {
      return samples.stream().filter(s -> s.millis() >= from && s.millis() <= to
          && s.node().equals("-")).count();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void measureFailover() throws Exception {
    BgpLab.assumeAvailable();
    int runs = Integer.getInteger("bgp.failover.runs", 5);
    String loadBefore = Shell.quiet("cat", "/proc/loadavg").output().strip();
    Map<String, List<Long>> results = new LinkedHashMap<>();
    try (BgpLab lab = new BgpLab(BgpLab.PASSWORD, false)) {
      String vip = lab.net.vip4(0);
      lab.cluster.service("web", false, vip);
      awaitBoth(lab, vip);
      try (Probe probe = new Probe(lab, vip)) {
        for (int run = 0; run < runs; run++) {
          results.computeIfAbsent("node silent (switch port down), BFD 300 ms x 3",
              k -> new ArrayList<>()).add(measure(lab, probe, vip, "node1",
                  () -> lab.link("node1", false), () -> lab.link("node1", true)));
          results.computeIfAbsent("node silent (switch port down), no BFD, hold time 3 s",
              k -> new ArrayList<>()).add(measure(lab, probe, vip, "node2",
                  () -> lab.link("node2", false), () -> lab.link("node2", true)));
          results.computeIfAbsent("speaker frozen (kill -STOP), BFD 300 ms x 3",
              k -> new ArrayList<>()).add(measure(lab, probe, vip, "node1",
                  () -> signal(lab, "node1", "STOP"), () -> signal(lab, "node1", "CONT")));
          results.computeIfAbsent("speaker SIGKILL, no graceful restart",
              k -> new ArrayList<>()).add(measure(lab, probe, vip, "node2",
                  () -> kill(lab, "node2"), () -> lab.startSpeaker("node2")));
        }
      }
    }
    String loadAfter = Shell.quiet("cat", "/proc/loadavg").output().strip();
    StringBuilder report = new StringBuilder("""
        # BGP failover, measured from the client side

        FRR 8.4 router (namespace), 2 node namespaces each with a `fairlead speaker` JVM and a TCP
        server, a client namespace behind the router probing 16 flows every 20 ms (100 ms connect
        timeout). Time = from the fault until every flow that went to the faulty node is answered
        by the other node. Hold time 3 s (FRR `timers 1 3`), BFD 300 ms x 3.

        | fault | n | median | max |
        |---|---|---|---|
        """);
    results.forEach((fault, times) -> {
      List<Long> sorted = new ArrayList<>(times);
      Collections.sort(sorted);
      report.append("| ").append(fault).append(" | ").append(sorted.size()).append(" | ")
          .append(sorted.get(sorted.size() / 2)).append(" ms | ").append(sorted.getLast())
          .append(" ms |\n");
    });
    report.append("\nRaw (ms): ").append(results).append("\n\nLoad average before: ").append(loadBefore)
        .append("; after: ").append(loadAfter).append(" (2 shared cores).\n");
    Path out = Files.createDirectories(Path.of("target", "reports")).resolve("bgp-failover.md");
    Files.writeString(out, report);
    System.out.println(report);
  }

  interface Step {
    void run() throws Exception;
  }

  static long measure(BgpLab lab, Probe probe, String vip, String node, Step fault, Step repair)
      throws Exception {
    awaitBoth(lab, vip);
    // both paths are in the kernel; wait until the client's flows really use the node again
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
        !probe.flowsOn(node, System.currentTimeMillis()).isEmpty());
    Thread.sleep(500);
    long t0 = System.currentTimeMillis();
    Set<Integer> victims = probe.flowsOn(node, t0);
    Assertions.assertThat(victims).as("flows hashed to %s", node).isNotEmpty();
    fault.run();
    long[] recovered = {-1};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      recovered[0] = probe.recoveredAt(victims, node, t0);
      return recovered[0] > 0;
    });
    repair.run();
    return recovered[0] - t0;
  }

  static void awaitBoth(BgpLab lab, String vip) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
        lab.kernelNextHops(vip).size() == 2);
  }

  static void signal(BgpLab lab, String node, String signal) {
    Shell.must("kill", "-" + signal, String.valueOf(lab.speakers.get(node).pid()));
  }

  static void kill(BgpLab lab, String node) {
    try {
      lab.killSpeaker(node);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
