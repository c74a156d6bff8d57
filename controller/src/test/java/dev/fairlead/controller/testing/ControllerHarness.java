package dev.fairlead.controller.testing;

import dev.fairlead.controller.host.ClusterHost;
import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.LoadBalancerProvider;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs the real controller runtime in the test's JVM against a (fake) API server with any provider,
 * counting what the controller asked of it. Published in the controller's test-jar, so every
 * provider module's integration tests start the controller the same way:
 *
 * <pre>{@code
 * try (FakeApiServer api = FakeApiServer.start();
 *     ControllerHarness controller = ControllerHarness.start(api.client(), provider,
 *         ControllerHarness.fastSettings("gcp", "it-1"))) {
 *   ...
 *   assertThat(controller.provider().ensures()).isEqualTo(1);
 * }
 * }</pre>
 */
public final class ControllerHarness implements AutoCloseable {
  /** The cluster name of {@link #fastSettings}. */
  public static final String CLUSTER = "it-cluster";

  private final ControllerRuntime runtime;
  private final CountingProvider provider;
  private final ControllerMetrics metrics;

  private ControllerHarness(ControllerRuntime runtime, CountingProvider provider, ControllerMetrics metrics) {
    this.runtime = runtime;
    this.provider = provider;
    this.metrics = metrics;
  }

  /**
   * Settings for tests: cluster {@link #CLUSTER}, 4 provider calls at once, no rate limit to speak
   * of, backoff 200 ms to 2 s, no periodic resync, node changes gathered for 100 ms, no metrics
   * port, a 2 s shutdown grace.
   *
   * @param providerName the provider's name
   * @param identity the replica's identity (for leader election)
   * @return the settings
   */
  public static ControllerSettings fastSettings(String providerName, String identity) {
    return new ControllerSettings(
        providerName,
        CLUSTER,
        Optional.empty(),
        4,
        1000,
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)),
        Duration.ZERO,
        Duration.ofMillis(100),
        Optional.empty(),
        -1,
        identity,
        Duration.ofSeconds(2));
  }

  /**
   * Starts the controller.
   *
   * @param client the API client; the caller closes it
   * @param provider the provider; closed with the harness
   * @param settings the controller settings
   * @return the running harness
   */
  public static ControllerHarness start(
      KubernetesClient client, LoadBalancerProvider provider, ControllerSettings settings) {
    return start(client, host -> provider, settings);
  }

  /**
   * Starts the controller with a provider that needs the controller's {@link ClusterHost} (one
   * that keeps objects of its own in the cluster), created as the controller creates it.
   *
   * @param client the API client; the caller closes it
   * @param binding creates the provider from the host, such as {@code host -> factory.create(ctx,
   *     host)}; the provider is closed with the harness
   * @param settings the controller settings
   * @return the running harness
   */
  public static ControllerHarness start(KubernetesClient client,
      Function<ClusterHost, LoadBalancerProvider> binding, ControllerSettings settings) {
    ControllerMetrics metrics = new ControllerMetrics();
    ControllerRuntime runtime = new ControllerRuntime(
        client, host -> new CountingProvider(binding.apply(host)), settings, metrics, Clock.systemUTC());
    runtime.start();
    return new ControllerHarness(runtime, (CountingProvider) runtime.provider(), metrics);
  }

  /**
   * The runtime.
   *
   * @return the runtime
   */
  public ControllerRuntime runtime() {
    return runtime;
  }

  /**
   * The provider, wrapped to count calls.
   *
   * @return the counting provider
   */
  public CountingProvider provider() {
    return provider;
  }

  /**
   * The controller's metrics.
   *
   * @return the metrics
   */
  public ControllerMetrics metrics() {
    return metrics;
  }

  /** Stops the controller, then closes the provider. */
  @Override
  public void close() {
    runtime.close();
    provider.close();
  }
}
