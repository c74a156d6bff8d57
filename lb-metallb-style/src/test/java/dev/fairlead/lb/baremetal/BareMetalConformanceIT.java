package dev.fairlead.lb.baremetal;

import dev.fairlead.controller.testing.StandaloneHost;
import dev.fairlead.kube.fake.FakeApiServer;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/**
 * The bare-metal provider passes the provider conformance kit against the mock API server.
 *
 * <p>Each test gets its own mock API server (created when the kit asks for the first context):
 * the fabric8 mock server keeps writing watch events to the watches of providers that earlier tests
 * closed, and such a write can stall it for many seconds. One cluster per test is also what a
 * provider sees in real life.
 */
class BareMetalConformanceIT extends LoadBalancerProviderContract {
  static final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
  private FakeApiServer api;

  @AfterAll
  static void closeEverything() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
  }

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    KubernetesClient client = api.newClient(); // one per provider, as per process
    opened.add(0, client); // closed before the server
    return new BareMetalProviderFactory().create(context, new StandaloneHost(client));
  }

  @Override
  protected ProviderContext context(String clusterName) {
    if (api == null) {
      api = FakeApiServer.start();
      Pools.create(api.client(), "tck", "192.0.2.0/24", "2001:db8::/120");
      opened.add(api);
    }
    return new ProviderContext(clusterName, ProviderSettings.empty(), Clock.systemUTC(),
        ApiCallListener.NONE);
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
