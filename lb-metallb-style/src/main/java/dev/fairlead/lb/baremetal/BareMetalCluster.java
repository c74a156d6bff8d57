package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.baremetal.ipam.PoolDefinition;
import dev.fairlead.lb.baremetal.ipam.PoolReport;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The bare-metal provider's port to the cluster: what it reads (its pools, the addresses every
 * Service publishes) and writes (pool status, events, requeues), in its own terms. The Kubernetes
 * adapter ({@code ..baremetal.kube}) implements it through the controller's host, so every write
 * passes the controller's leadership gate and event recorder; tests implement it in memory.
 */
public interface BareMetalCluster extends AutoCloseable {

  /**
   * Starts watching the pools and the Services' published addresses; returns once both are known.
   *
   * @param onChange called after every later change of a pool or of a published address, on the
   *     adapter's thread
   * @throws dev.fairlead.lb.api.ProviderFailureException if the pools cannot be read
   */
  void start(Runnable onChange);

  /**
   * The pools as written now.
   *
   * @return the definitions
   */
  List<PoolDefinition> pools();

  /**
   * Every address any Service in the cluster publishes (any type, any class), with who does.
   *
   * @return the addresses
   */
  Map<InetAddress, Set<ServiceKey>> published();

  /**
   * Publishes a pool's status (skipped, and retried on the next change, unless this replica leads).
   *
   * @param pool the pool's name
   * @param report what its status says
   */
  void writeStatus(String pool, PoolReport report);

  /**
   * Records an Event on a pool.
   *
   * @param pool the pool's name
   * @param warning true for a Warning
   * @param reason the reason
   * @param message what happened
   */
  void poolEvent(String pool, boolean warning, String reason, String message);

  /**
   * Records an Event on a Service.
   *
   * @param service the Service
   * @param warning true for a Warning
   * @param reason the reason
   * @param message what happened
   */
  void serviceEvent(ServiceKey service, boolean warning, String reason, String message);

  /**
   * Asks the controller to reconcile Services again now.
   *
   * @param services the Services
   */
  void requeue(Collection<ServiceKey> services);

  /**
   * Exposes a gauge family on the controller's metrics.
   *
   * @param name the name
   * @param help the help text
   * @param labelNames the label names
   * @param samples label values to value, read at scrape time
   */
  void gauge(String name, String help, List<String> labelNames,
      Supplier<Map<List<String>, Double>> samples);

  /** Stops watching. */
  @Override
  void close();
}
