package dev.fairlead.lb.baremetal.speaker.it;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The fabric8 mock API server in CRUD mode, listening on the bridge so the speakers in the node
 * namespaces reach it; the test plays the controller (it writes Service status IPs) and the
 * endpoint controller (EndpointSlices).
 */
final class MockCluster implements AutoCloseable {
  final KubernetesMockServer server;
  final KubernetesClient client;
  final Path kubeconfig;
  final String url;

  MockCluster(String listenAddress, Path dir) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(IPAddressPool.class));
    int port = freePort();
    server.init(InetAddress.ofLiteral(listenAddress), port);
    client = server.createClient();
    url = "http://" + listenAddress + ":" + port;
    kubeconfig = dir.resolve("kubeconfig");
    try {
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster:
              server: %s
          contexts:
          - name: mock
            context:
              cluster: mock
              user: mock
              namespace: default
          current-context: mock
          users:
          - name: mock
            user:
              token: test
          """.formatted(url));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void node(String name, String internalIp) {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
        .addToLabels("kubernetes.io/hostname", name).endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress()
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build())
        .create();
  }

  void pool(String name, String... addresses) {
    IPAddressPool pool = new IPAddressPool();
    pool.getMetadata().setName(name);
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of(addresses));
    pool.setSpec(spec);
    client.resources(IPAddressPool.class).resource(pool).create();
  }

  /** A LoadBalancer Service whose status already carries {@code ips} (what IPAM would write). */
  Service service(String name, boolean local, String... ips) {
    Service s = new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
        .withNewSpec().withType("LoadBalancer").withExternalTrafficPolicy(local ? "Local" : "Cluster")
        .addNewPort().withPort(8080).withProtocol("TCP").endPort().endSpec()
        .build();
    Service created = client.services().inNamespace("default").resource(s).create();
    created.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
        .withIngress(java.util.Arrays.stream(ips).map(ip -> new LoadBalancerIngressBuilder().withIp(ip).build())
            .toList())
        .endLoadBalancer().build());
    return client.services().inNamespace("default").resource(created).updateStatus();
  }

  void deleteService(String name) {
    client.services().inNamespace("default").withName(name).delete();
  }

  /** Replaces the Service's EndpointSlice with one ready endpoint per node in {@code nodes}. */
  void endpoints(String service, String... nodes) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace("default")
        .withName(service + "-slice").addToLabels("kubernetes.io/service-name", service).endMetadata()
        .withAddressType("IPv4");
    int i = 1;
    for (String node : nodes) {
      b.addNewEndpoint().withAddresses("10.0.0." + i++).withNodeName(node)
          .withNewConditions().withReady(true).endConditions().endEndpoint();
    }
    EndpointSlice slice = b.build();
    client.discovery().v1().endpointSlices().inNamespace("default").resource(slice).createOr(
        op -> op.update());
  }

  List<Event> events(String service) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && service.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
