package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.tck.LoadBalancerProviderContract;
import dev.fairlead.lb.tck.TestNodes;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The reference provider in a restricted configuration (hostnames, TCP only, no mixed protocols)
 * still passes: lb110 rejects UDP, and the optional tests it cannot serve are skipped.
 */
class InMemoryHostnameConformanceTest extends LoadBalancerProviderContract {

  private final InMemoryCloud cloud = new InMemoryCloud();

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    return new InMemoryProviderFactory().create(context, cloud);
  }

  @Override
  protected ProviderContext context(String clusterName) {
    return new ProviderContext(
        clusterName,
        ProviderSettings.of(
            Map.of("ingress", "hostname", "protocols", "TCP", "mixedProtocols", "false")),
        Clock.systemUTC(),
        ApiCallListener.NONE);
  }

  @Override
  protected List<BackendNode> backends() {
    return TestNodes.three();
  }
}
