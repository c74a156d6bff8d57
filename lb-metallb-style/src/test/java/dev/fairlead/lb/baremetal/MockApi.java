package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

/** The fabric8 CRUD mock API server on loopback, with helpers for pools. */
final class MockApi implements AutoCloseable {
  final KubernetesMockServer server;
  final KubernetesClient client;

  MockApi() {
    server = new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    // Each provider instance watches pools; the conformance kit opens dozens of instances one after
    // another on this one client, so allow more than fabric8's default 5 requests per host while
    // closed watches wind down.
    client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(server.createClient().getConfiguration())
            .withMaxConcurrentRequestsPerHost(64).build())
        .build();
  }

  IPAddressPool createPool(String name, String... addresses) {
    IPAddressPool pool = new IPAddressPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of(addresses));
    pool.setSpec(spec);
    return client.resources(IPAddressPool.class).resource(pool).create();
  }

  IPAddressPool pool(String name) {
    return client.resources(IPAddressPool.class).withName(name).get();
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // The mock server waits a few seconds for open watch connections and then gives up; that is
      // about the test server's own shutdown, not about the code under test.
      System.err.println("MockApi: " + e.getMessage() + " (test server shutdown, ignored)");
    }
  }
}
