package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.tck.LoadBalancerProviderContract;
import dev.fairlead.lb.tck.TckSettings;
import dev.fairlead.lb.tck.TestNodes;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The reference provider, with default settings, passes the whole contract. */
class InMemoryProviderConformanceTest extends LoadBalancerProviderContract {

  private final InMemoryCloud cloud = new InMemoryCloud();

  // Runs after the contract's own clean-up, which must leave the cloud empty.
  @RegisterExtension
  final AfterEachCallback nothingLeaks =
      context -> {
        assertThat(cloud.loadBalancers(CLUSTER)).as("leaked in " + CLUSTER).isEmpty();
        assertThat(cloud.loadBalancers(OTHER_CLUSTER)).as("leaked in " + OTHER_CLUSTER).isEmpty();
      };

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    return new InMemoryProviderFactory().create(context, cloud);
  }

  @Override
  protected ProviderContext context(String clusterName) {
    return new ProviderContext(
        clusterName,
        ProviderSettings.empty(),
        Clock.systemUTC(),
        ApiCallListener.NONE);
  }

  @Override
  protected List<BackendNode> backends() {
    return TestNodes.three();
  }

  @Override
  protected TckSettings settings() {
    return TckSettings.defaults().withRequestableAddress(InetAddress.ofLiteral("192.0.2.200"));
  }
}
