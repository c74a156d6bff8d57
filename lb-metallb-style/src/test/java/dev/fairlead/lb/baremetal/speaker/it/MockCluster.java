package dev.fairlead.lb.baremetal.speaker.it;

import dev.fairlead.kube.fake.FakeApiServer;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import dev.fairlead.lb.baremetal.crd.L2Advertisement;
import dev.fairlead.lb.baremetal.crd.L2AdvertisementSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared fake API server ({@code kube-fake}), listening on the bridge so the speakers in the
 * node namespaces reach it; the test plays the controller (it writes Service status IPs) and the
 * endpoint controller (EndpointSlices), and reads what the speakers write (events, status).
 */
final class MockCluster implements AutoCloseable {
  final FakeApiServer server;
  final KubernetesClient client;
  final Path kubeconfig;
  final String url;

  MockCluster(String listenAddress, Path dir) {
    server = FakeApiServer.start(InetAddress.ofLiteral(listenAddress), 0, true);
    client = server.client();
    url = "http://" + listenAddress + ":" + server.port();
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

  void node(String name, String internalIp) {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
        .addToLabels("kubernetes.io/hostname", name).endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress()
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build())
        .create();
  }

  /** The membership Secret the speakers read (namespace default). */
  static final String SECRET = "fairlead-speaker-membership";

  /** Creates or replaces a membership Secret with these entries (entry name to key text). */
  void membershipSecret(String name, Map<String, String> entries) {
    client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata()
        .withName(name).withNamespace("default").endMetadata().withStringData(entries).build())
        .createOr(op -> op.update());
  }

  /** A new random key, as the speaker-key Job makes them. */
  static String newKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return java.util.Base64.getEncoder().encodeToString(key);
  }

  void deleteNode(String name) {
    client.nodes().withName(name).delete();
  }

  void pool(String name, String... addresses) {
    IPAddressPool pool = new IPAddressPool();
    pool.getMetadata().setName(name);
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of(addresses));
    pool.setSpec(spec);
    client.resources(IPAddressPool.class).resource(pool).create();
  }

  /**
   * Creates an L2Advertisement; each node name becomes a {@code kubernetes.io/hostname} selector
   * (a name that is no valid label value makes the advertisement invalid, on purpose).
   */
  void l2Advertisement(String name, List<String> pools, List<String> nodes, List<String> interfaces) {
    L2Advertisement ad = new L2Advertisement();
    ad.getMetadata().setName(name);
    L2AdvertisementSpec spec = new L2AdvertisementSpec();
    spec.setIpAddressPools(pools);
    spec.setNodeSelectors(nodes.stream().map(n -> n.contains(" ")
        ? new LabelSelectorBuilder().addToMatchLabels(n, "x").build()
        : new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/hostname", n).build()).toList());
    spec.setInterfaces(interfaces);
    ad.setSpec(spec);
    client.resources(L2Advertisement.class).resource(ad).create();
  }

  void deleteL2Advertisement(String name) {
    client.resources(L2Advertisement.class).withName(name).delete();
  }

  /** The Valid condition as "status: message", or empty. */
  Optional<String> l2AdvertisementCondition(String name) {
    L2Advertisement ad = client.resources(L2Advertisement.class).withName(name).get();
    if (ad == null || ad.getStatus() == null) {
      return Optional.empty();
    }
    return ad.getStatus().getConditions().stream().filter(c -> "Valid".equals(c.getType()))
        .map(c -> c.getStatus() + ": " + c.getMessage()).findFirst();
  }

  List<Event> l2AdvertisementEvents(String name) {
    return client.v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && "L2Advertisement".equals(e.getInvolvedObject().getKind())
            && name.equals(e.getInvolvedObject().getName()))
        .toList();
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
    server.close();
  }
}
