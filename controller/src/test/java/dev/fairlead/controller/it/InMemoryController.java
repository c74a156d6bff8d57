package dev.fairlead.controller.it;

import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.tck.memory.InMemoryCloud;
import dev.fairlead.lb.tck.memory.InMemoryProviderFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/** The shared {@link ControllerHarness} with the in-memory provider. */
final class InMemoryController {
  static final String CLUSTER = ControllerHarness.CLUSTER;

  private InMemoryController() {}

  static ControllerSettings fastSettings(String identity) {
    return ControllerHarness.fastSettings("inmemory", identity);
  }

  static ControllerHarness start(
      KubernetesClient client, InMemoryCloud cloud, ControllerSettings settings) {
    return start(client, cloud, settings, ProviderSettings.empty());
  }

  static ControllerHarness start(KubernetesClient client, InMemoryCloud cloud,
      ControllerSettings settings, ProviderSettings providerSettings) {
    return ControllerHarness.start(
        client,
        new InMemoryProviderFactory()
            .create(
                new ProviderContext(
                    settings.clusterName(), providerSettings, Clock.systemUTC(), ApiCallListener.NONE),
                cloud),
        settings);
  }
}
