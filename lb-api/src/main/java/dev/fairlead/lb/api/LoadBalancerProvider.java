package dev.fairlead.lb.api;

import java.util.Map;
import java.util.Optional;

/**
 * Creates, updates and deletes the external load balancers of one cluster.
 *
 * <p>All methods block until the work is done (or has failed), must honour thread interruption, and
 * signal failure only with a {@link LoadBalancerException} whose subtype tells the controller how to
 * retry. The controller never calls a provider concurrently for the same {@link ServiceKey}.
 *
 * <p>Everything a provider needs to find its load balancers again must be recoverable from the
 * infrastructure using {@link ProviderContext#clusterName()} and the {@link ServiceKey} (names
 * derived from the Service UID, ownership tags): a new instance may be created at any time (rule
 * lb104). Caches are an optimisation, never the only copy.
 */
public interface LoadBalancerProvider extends AutoCloseable {

  /**
   * What this configured instance supports. The controller and the conformance kit rely on it to
   * skip what cannot work; {@link #ensure} still rejects what it cannot do (rule lb110).
   *
   * @return the capabilities of this instance
   */
  ProviderCapabilities capabilities();

  /**
   * Which Service annotations and labels this provider reads; the controller passes on only these,
   * so other metadata changes cost nothing. A provider that selects by label (address
   * pools with a service selector) asks for labels here.
   *
   * @return every annotation and no label, unless overridden
   * @since 0.2
   */
  default MetadataUse metadataUse() {
    return MetadataUse.ALL_ANNOTATIONS;
  }

  /**
   * Called once, before any other operation, with the load balancers the controller found published
   * in Service status when it started. Providers that keep allocations (address pools) re-reserve
   * exactly these before anything new is allocated, so a restart never moves or duplicates an
   * address. Providers whose state lives in the infrastructure may ignore it.
   *
   * @param published the published status of every Service this controller manages
   */
  default void recover(Map<ServiceKey, LoadBalancerStatus> published) {}

  /**
   * Reads the current state without changing anything (rule lb103).
   *
   * @param service the Service
   * @return the status if any part of the load balancer exists, else empty
   * @throws LoadBalancerException if the state cannot be read
   */
  Optional<LoadBalancerStatus> find(ServiceKey service);

  /**
   * Creates the load balancer or converges it to {@code spec} from any partial state, and returns
   * the addresses clients use. Idempotent (rule lb102). A request the provider cannot serve fails
   * with {@link UnsupportedFeatureException} before any side effect (rule lb110).
   *
   * @param spec the desired load balancer
   * @return the status to publish, with at least one ingress (rule lb101)
   * @throws RetryLaterException if the load balancer is still being provisioned
   * @throws UnsupportedFeatureException if the spec asks for something this provider cannot do
   * @throws ProviderFailureException for any other failure; the controller backs off and retries
   */
  LoadBalancerStatus ensure(LoadBalancerSpec spec);

  /**
   * Converges only the backend set, called when {@link LoadBalancerSpec#backends()} is the only
   * difference from the spec of the last successful {@link #ensure}. The ingress must not change
   * (rule lb109). The default delegates to {@link #ensure}.
   *
   * @param spec the last ensured spec with the new backends
   * @throws LoadBalancerException as for {@link #ensure}
   */
  default void updateBackends(LoadBalancerSpec spec) {
    ensure(spec);
  }

  /**
   * Deletes every part of the Service's load balancer, in a safe order, tolerating parts that are
   * already gone; returns normally only when nothing remains (rules lb105, lb106).
   *
   * @param service the Service
   * @throws LoadBalancerException if something could not be deleted yet
   */
  void ensureDeleted(ServiceKey service);

  /** Releases clients and threads. Does not delete any load balancer. */
  @Override
  default void close() {}
}
