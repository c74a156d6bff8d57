package dev.fairlead.benchmarks;

import java.io.IOException;
import java.util.Locale;

/**
 * Runs a {@link MockApi} in its own process, so a benchmark can measure the controller's heap
 * without the API server's. Usage:
 *
 * <pre>
 * MockApiMain [--services N] [--ensured] [--nodes M] [--namespaces K] [--lease namespace/name]
 *             [--burst N]
 * </pre>
 *
 * <p>{@code --burst N} creates N more Services (indexes 0..N-1, not ensured) as a {@link
 * MockApi#burst}, so the API server reports when each one gets its ingress.
 *
 * <p>Preloads the objects, prints {@code PORT <port>} and {@code READY}, and serves until its
 * standard input closes or it is killed.
 */
public final class MockApiMain {
  private MockApiMain() {}

  /**
   * Starts the server.
   *
   * @param args see the class comment
   * @throws IOException if standard input fails
   * @throws InterruptedException if interrupted while preloading
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    int services = 0;
    int nodes = 0;
    int namespaces = 50;
    boolean ensured = false;
    String lease = null;
    int burst = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--services" -> services = Integer.parseInt(args[++i]);
        case "--nodes" -> nodes = Integer.parseInt(args[++i]);
        case "--namespaces" -> namespaces = Integer.parseInt(args[++i]);
        case "--ensured" -> ensured = true;
        case "--lease" -> lease = args[++i];
        case "--burst" -> burst = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    MockApi api = new MockApi();
    System.out.println("PORT " + api.port());
    long start = System.nanoTime();
    for (int i = 0; i < nodes; i++) {
      api.preload(Fixtures.node(i), "nodes");
    }
    for (int i = 0; i < services; i++) {
      api.preload(Fixtures.service(i, namespaces, ensured), "services");
    }
    if (lease != null) {
      String[] parts = lease.split("/", 2);
      api.preload(Fixtures.foreignLease(parts[0], parts[1]), "leases");
    }
    if (burst > 0) {
      api.burst(0, burst, namespaces, null);
      while (!Boolean.TRUE.equals(api.progress().get("burstCreated"))) {
        Thread.sleep(10);
      }
    }
    System.out.printf(Locale.ROOT, "READY %d nodes, %d services in %.1f s%n", nodes, services,
        (System.nanoTime() - start) / 1e9);
    System.out.flush();
    // Serve until the parent closes our standard input (or kills us).
    while (System.in.read() >= 0) {
      // ignore input
    }
    api.close();
    System.exit(0);
  }
}
