package dev.fairlead.benchmarks;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.tck.memory.InMemoryCloud;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Benchmark 4: the controller's heap with 10,000 LoadBalancer Services and 5,000 realistic Nodes in
 * its informer caches. The API server runs in a child JVM, so only the controller is in this heap.
 *
 * <p>Two points are measured: a standby replica (leader election on, the Lease held by another
 * replica: informers only), and the same replica after it took the lease and reconciled every
 * Service (informers plus the reconciler's remembered specs, the queue and the event recorder).
 */
public final class HeapBenchmark {
  private static final int SERVICES = 10_000;
  private static final int NODES = 5_000;
  private static final long TARGET_BYTES = 256L << 20;
  private static final String LEASE_NAMESPACE = "kube-system";
  private static final String LEASE_NAME = "fairlead-bench";

  private HeapBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Report.runAndExit(new Report("heap", "Heap: 10,000 Services and 5,000 Nodes cached"), HeapBenchmark::run);
  }

  private static void run(Report report) throws Exception {
    try (MockApiProcess api = MockApiProcess.start("heap", "--nodes", String.valueOf(NODES),
        "--services", String.valueOf(SERVICES), "--ensured", "--namespaces", "50",
        "--lease", LEASE_NAMESPACE + "/" + LEASE_NAME)) {
      String ready = api.ready();
      long baseline;
      try (KubernetesClient client = api.newClient()) {
        InMemoryCloud cloud = new InMemoryCloud();
        ControllerMetrics metrics = new ControllerMetrics();
        LoadBalancerProvider provider = Fixtures.provider(cloud, Duration.ZERO, metrics);
        ControllerSettings settings = Fixtures.settings(10, 100_000, Duration.ofMinutes(10),
            Optional.of(new ControllerSettings.LeaderElectionSettings(LEASE_NAMESPACE, LEASE_NAME,
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(1))));
        ControllerRuntime runtime = new ControllerRuntime(client, provider, settings, metrics, Clock.systemUTC());
        baseline = heapAfterGc();
        try {
          long t0 = System.nanoTime();
          runtime.start();
          long syncNanos = System.nanoTime() - t0;
          Thread.sleep(1_500); // the elector has looked at the Lease at least once
          if (runtime.isLeading()) {
            throw new IllegalStateException("expected a standby replica, but it leads");
          }
          long standby = heapAfterGc();

          // Let this replica lead: remove the other replica's Lease.
          long t1 = System.nanoTime();
          client.leases().inNamespace(LEASE_NAMESPACE).withName(LEASE_NAME).delete();
          waitFor(runtime::isLeading, Duration.ofSeconds(30), "the replica to lead");
          waitFor(() -> {
            Scrape s = Scrape.of(metrics);
            return s.value("fairlead_managed_load_balancers") >= SERVICES && s.value("fairlead_queue_depth") == 0;
          }, Duration.ofSeconds(180), "every Service to be reconciled");
          long reconciledNanos = System.nanoTime() - t1;
          boolean eventsFlushed = runtime.events().flush(Duration.ofSeconds(60));
          long leading = heapAfterGc();
          Scrape scrape = Scrape.of(metrics);

          long standbyDelta = standby - baseline;
          long leadingDelta = leading - baseline;
          report.figure("Heap after GC, leader with everything reconciled, minus baseline",
              Report.mib(leadingDelta), "< 256 MiB", leadingDelta < TARGET_BYTES);
          report.figure("Heap after GC, leader, absolute", Report.mib(leading), "< 256 MiB",
              leading < TARGET_BYTES);
          report.figure("Heap after GC, standby replica (informer caches only), minus baseline",
              Report.mib(standbyDelta), "< 256 MiB", standbyDelta < TARGET_BYTES);
          report.info("Heap after GC, standby replica, absolute", Report.mib(standby));
          report.info("Baseline (JVM + client + provider, before start)", Report.mib(baseline));

          String nodeJson = Serialization.asJson(Fixtures.node(1234));
          String serviceJson = Serialization.asJson(Fixtures.service(1234, 50, true));
          report.heading("Setup");
          report.bullets(
              "API server: fabric8 CRUD mock server in a child JVM (`MockApiMain`, started with this JVM's "
                  + "`java` and class path, ended by PID afterwards), preloaded with " + NODES + " Nodes, "
                  + SERVICES + " Services over 50 namespaces and a Lease held by another replica (PID " + api.pid()
                  + ": " + ready + ").",
              "Nodes: 12 labels, 3 annotations, providerID, 4 addresses, 5 conditions, capacity and allocatable, "
                  + "node info, daemon endpoints and 20 container images (2 names each): "
                  + String.format(Locale.ROOT, "%,d bytes of JSON each.", nodeJson.length())
                  + " No `managedFields` (a real API server sends them unless asked not to; they would add "
                  + "several KiB per Node).",
              "Services: 2 ports with node ports, 3 labels, 2 annotations, selector, cluster IP, our finalizer "
                  + "and a published hostname ingress (already ensured, as after a restart): "
                  + String.format(Locale.ROOT, "%,d bytes of JSON each.", serviceJson.length()),
              "Controller: `ControllerRuntime` with leader election, zero-latency in-memory provider; "
                  + "this JVM runs with " + ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                  .filter(a -> a.startsWith("-X")).toList() + ".",
              "Heap figure: `MemoryMXBean` heap used after `System.gc()` (four times, 300 ms apart; the "
                  + "lowest reading), i.e. live data after full collections.");
          report.heading("Measurements");
          report.table(List.of("Point", "Heap used after GC", "Minus baseline", "Took"), List.of(
              List.of("Baseline: JVM, client, provider, metrics; nothing started", Report.mib(baseline), "–", "–"),
              List.of("Standby: informers synced (" + NODES + " Nodes, " + SERVICES + " Services)",
                  Report.mib(standby), Report.mib(standbyDelta),
                  String.format(Locale.ROOT, "%.1f s to sync", syncNanos / 1e9)),
              List.of("Leader: every Service reconciled", Report.mib(leading), Report.mib(leadingDelta),
                  String.format(Locale.ROOT, "%.1f s from Lease deletion", reconciledNanos / 1e9))));
          report.paragraph(String.format(Locale.ROOT,
              "Per cached object (standby, minus baseline, over %,d objects): about %.1f KiB. "
                  + "Reconciles after taking the lease: %.0f; ensure calls: %d; Kubernetes events queued were %s.",
              NODES + SERVICES, standbyDelta / 1024.0 / (NODES + SERVICES),
              scrape.sum("fairlead_reconcile_total"), cloud.count("ensure"),
              eventsFlushed ? "all written" : "not all written within 60 s"));
          double dropped = scrape.sum("fairlead_events_dropped_total");
          report.heading("Observations");
          report.bullets(
              String.format(Locale.ROOT, "Taking the lease cost %d provider `ensure` calls: a new leader starts with "
                  + "no remembered specs and ensures every Service again, although all of them were published "
                  + "and carried the finalizer. With the default `providerCallsPerSecond` of 20, that is %.0f s "
                  + "of provider calls after each failover or restart, during which new or changed Services wait "
                  + "in the same queue.", cloud.count("ensure"), cloud.count("ensure") / 20.0),
              String.format(Locale.ROOT, "It also enqueued two Normal events per Service (EnsuringLoadBalancer, "
                  + "EnsuredLoadBalancer): `fairlead_events_dropped_total` = %.0f, because the recorder's queue "
                  + "holds 10,000.", dropped));
        } finally {
          runtime.close();
          provider.close();
        }
      }
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long lowest = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(300);
      lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
    }
    return lowest;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
