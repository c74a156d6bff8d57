package dev.fairlead.controller.it;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

/** A fresh fabric8 mock API server in CRUD mode, on loopback, per test. */
final class MockCluster implements AutoCloseable {
  final KubernetesMockServer server;
  final KubernetesClient client;

  MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  Service service(String namespace, String name) {
    return client.services().inNamespace(namespace).withName(name).get();
  }

  List<Event> events(String namespace, String serviceName) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> serviceName.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  List<String> reasons(String namespace, String serviceName) {
    return events(namespace, serviceName).stream().map(Event::getReason).toList();
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // The mock server gives up waiting for open watch connections; test-server shutdown only.
      System.err.println("MockCluster: " + e.getMessage() + " (test server shutdown, ignored)");
    }
  }
}
