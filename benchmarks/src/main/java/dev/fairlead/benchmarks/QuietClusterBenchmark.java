package dev.fairlead.benchmarks;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.tck.memory.InMemoryCloud;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Benchmark 3: 200 Services already ensured, resync every second; over five seconds of nothing
 * changing, how many provider calls and API writes does the controller make?
 */
public final class QuietClusterBenchmark {
  private static final int SERVICES = Integer.getInteger("quiet.services", 200);
  private static final int NODES = 10;
  private static final Duration RESYNC = Duration.ofSeconds(1);
  private static final Duration WINDOW = Duration.ofSeconds(5);

  private QuietClusterBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Report.runAndExit(new Report("quiet-cluster", "Quiet cluster: resync without changes"), QuietClusterBenchmark::run);
  }

  private static void run(Report report) throws InterruptedException {
    try (MockApi api = new MockApi(); KubernetesClient client = api.newClient()) {
      for (int i = 0; i < NODES; i++) {
        api.preload(Fixtures.node(i), "nodes");
      }
      for (int i = 0; i < SERVICES; i++) {
        api.preload(Fixtures.service(i, 10, false), "services");
      }
      InMemoryCloud cloud = new InMemoryCloud();
      ControllerMetrics metrics = new ControllerMetrics();
      LoadBalancerProvider provider = Fixtures.provider(cloud, Duration.ZERO, metrics);
      ControllerRuntime runtime =
          new ControllerRuntime(client, provider,
              Fixtures.settings(10, 100_000, RESYNC, Optional.empty()), metrics, Clock.systemUTC());
      try {
        runtime.start();
        // Wait until every Service is ensured and published, then until nothing has been written
        // for two resync periods (follow-up reconciles of our own writes are done).
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (api.ingressPublishedCount() < SERVICES && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        if (api.ingressPublishedCount() < SERVICES) {
          throw new IllegalStateException("only " + api.ingressPublishedCount() + " of " + SERVICES
              + " Services were published within 60 s");
        }
        long settled = System.nanoTime();
        while (System.nanoTime() < deadline
            && System.nanoTime() - Math.max(settled, api.lastWriteNanos()) < 2 * RESYNC.toNanos()) {
          Thread.sleep(50);
        }
        long setupEnsures = cloud.count("ensure");
        Map<String, Long> setupRequests = api.requests();
        long setupNoOps = api.noOpWrites();

        cloud.clearCalls();
        Map<String, Long> requestsBefore = api.requests();
        Scrape before = Scrape.of(metrics);
        long cpuBefore = Report.processCpuNanos();
        long t0 = System.nanoTime();
        List<long[]> timeline = new ArrayList<>();
        double lastCount = before.sum("fairlead_reconcile_total");
        while (System.nanoTime() - t0 < WINDOW.toNanos()) {
          Thread.sleep(100);
          double now = Scrape.of(metrics).sum("fairlead_reconcile_total");
          if (now != lastCount) {
            timeline.add(new long[] {System.nanoTime() - t0, (long) (now - lastCount)});
            lastCount = now;
          }
        }
        long window = System.nanoTime() - t0;
        double cpu = (Report.processCpuNanos() - cpuBefore) / 1e9;
        Scrape after = Scrape.of(metrics);
        List<String> calls = cloud.calls();
        Map<String, Long> requests = new TreeMap<>();
        api.requests().forEach((k, v) -> {
          long delta = v - requestsBefore.getOrDefault(k, 0L);
          if (delta > 0) {
            requests.put(k, delta);
          }
        });
        long writes = requests.entrySet().stream().filter(e -> !e.getKey().startsWith("GET "))
            .mapToLong(Map.Entry::getValue).sum();
        double reconciles = after.sum("fairlead_reconcile_total") - before.sum("fairlead_reconcile_total");
        double passes = reconciles / SERVICES;

        report.figure("Provider calls during " + WINDOW.toSeconds() + " s of resyncs", String.valueOf(calls.size()),
            "0", calls.isEmpty());
        report.figure("Kubernetes API writes during the window (events included)", String.valueOf(writes),
            "0", writes == 0);
        report.info("Resync passes observed", String.format(Locale.ROOT, "%.1f (%.0f reconciles / %d Services; "
            + "expected about %d)", passes, reconciles, SERVICES, WINDOW.toNanos() / RESYNC.toNanos()));
        report.info("Controller CPU during the window",
            String.format(Locale.ROOT, "%.2f s over %.1f s (whole JVM, mock API server included)", cpu,
                window / 1e9));

        report.heading("Setup");
        report.bullets(
            SERVICES + " LoadBalancer Services and " + NODES + " Nodes in the fabric8 CRUD mock API server "
                + "(in this JVM, with the benchmark's index). The controller (`ControllerRuntime`, resync "
                + RESYNC.toMillis() + " ms, concurrency 10) ensured all of them first (" + setupEnsures
                + " ensure calls), then the benchmark waited until nothing had been written for two resync periods.",
            "Window: " + WINDOW.toSeconds() + " s, starting after `InMemoryCloud.clearCalls()`. Provider calls "
                + "come from `InMemoryCloud.calls()`, API requests from the mock server, reconciles from "
                + "`fairlead_reconcile_total`.");
        report.heading("Before the window: ensuring the " + SERVICES + " Services");
        long statusPatches = setupRequests.getOrDefault("PATCH services/status", 0L);
        report.paragraph(String.format(Locale.ROOT, "API requests while the controller ensured them: `%s`. "
            + "Status PATCHes per Service: %.2f; of all writes, %d changed nothing (the API server dropped them, "
            + "as a real one does).", setupRequests, statusPatches / (double) SERVICES, setupNoOps));
        if (setupNoOps > 0) {
          report.paragraph("The identical status PATCHes come from the controller reconciling a Service again "
              + "for the watch events of its own writes (the finalizer PATCH, then the status PATCH) while the "
              + "informer cache does not yet hold the status the first reconcile wrote: `ServiceReconciler.ensure` "
              + "then sees `statusCurrent == false` for an unchanged spec and \"restores\" the status. Harmless to "
              + "correctness (a real API server drops the no-op write and raises no event), but extra API writes "
              + "on every ensure, and against an API server that does raise events for them (as the stock "
              + "fabric8 mock does) a loop.");
        }
        report.heading("Reconciles during the window");
        List<List<String>> rows = new ArrayList<>();
        for (long[] point : timeline) {
          rows.add(List.of(String.format(Locale.ROOT, "%.1f", point[0] / 1e9), String.valueOf(point[1])));
        }
        report.table(List.of("At (s, ±0.1)", "Reconciles since previous sample"), rows);
        report.heading("Provider calls during the window");
        report.paragraph(calls.isEmpty() ? "None." : "`" + calls + "`");
        report.heading("API requests during the window");
        List<List<String>> requestRows = new ArrayList<>();
        requests.forEach((k, v) -> requestRows.add(List.of("`" + k + "`", String.valueOf(v))));
        report.table(List.of("Request", "Count"), requestRows);
        report.paragraph("Results per reconcile (`fairlead_reconcile_total` during the window): `"
            + delta(after.matching("fairlead_reconcile_total"), before.matching("fairlead_reconcile_total"))
            + "`.");
      } finally {
        runtime.close();
        provider.close();
      }
    }
  }

  private static Map<String, Long> delta(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Long> result = new TreeMap<>();
    after.forEach((k, v) -> result.put(k, (long) (v - before.getOrDefault(k, 0.0))));
    return result;
  }
}
