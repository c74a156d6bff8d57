package dev.fairlead.controller.it;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.tck.memory.InMemoryCloud;
import dev.fairlead.lb.tck.memory.InMemoryProviderFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Starts a real controller runtime with the in-memory provider against the mock API server. */
final class ControllerHarness implements AutoCloseable {
  static final String CLUSTER = "it-cluster";

  final ControllerRuntime runtime;
  final LoadBalancerProvider provider;

  private ControllerHarness(ControllerRuntime runtime, LoadBalancerProvider provider) {
    this.runtime = runtime;
    this.provider = provider;
  }

  static ControllerSettings fastSettings(String identity) {
    return new ControllerSettings(
        "inmemory",
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

  static ControllerHarness start(KubernetesClient client, InMemoryCloud cloud, ControllerSettings settings) {
    LoadBalancerProvider provider =
        new InMemoryProviderFactory()
            .create(
                new ProviderContext(
                    settings.clusterName(),
                    ProviderSettings.empty(),
                    Clock.systemUTC(),
                    ApiCallListener.NONE,
                    Map.of(InMemoryCloud.class, cloud)));
    ControllerRuntime runtime =
        new ControllerRuntime(client, provider, settings, new ControllerMetrics(), Clock.systemUTC());
    runtime.start();
    return new ControllerHarness(runtime, provider);
  }

  @Override
  public void close() {
    runtime.close();
    provider.close();
  }
}
