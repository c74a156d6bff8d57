package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.tck.LoadBalancerProviderContract;
import dev.fairlead.lb.tck.TckSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The bare-metal provider passes the provider conformance kit against the mock API server. */
class BareMetalConformanceIT extends LoadBalancerProviderContract {
  static MockApi api;
  /** One client per provider instance, as each controller process has its own; closed at the end. */
  static final java.util.List<KubernetesClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void startApi() {
    api = new MockApi();
    api.createPool("tck", "192.0.2.0/24", "2001:db8::/120");
  }

  @AfterAll
  static void stopApi() {
    clients.forEach(KubernetesClient::close);
    api.close();
  }

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    return new BareMetalProviderFactory().create(context);
  }

  @Override
  protected ProviderContext context(String clusterName) {
    return new ProviderContext(clusterName, ProviderSettings.empty(), Clock.systemUTC(),
        ApiCallListener.NONE, Map.of(KubernetesClient.class, newClient()));
  }

  private static KubernetesClient newClient() {
    KubernetesClient client = api.server.createClient();
    clients.add(client);
    return client;
  }

  @Override
  protected List<BackendNode> backends() {
    return List.of(
        new BackendNode("node-a", "", List.of(InetAddress.ofLiteral("198.51.100.1")), Map.of()),
        new BackendNode("node-b", "", List.of(InetAddress.ofLiteral("198.51.100.2")), Map.of()));
  }

  @Override
  protected TckSettings settings() {
    return TckSettings.defaults().withRequestableAddress(InetAddress.ofLiteral("192.0.2.77"));
  }
}
