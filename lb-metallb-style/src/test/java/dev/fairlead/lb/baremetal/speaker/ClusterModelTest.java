package dev.fairlead.lb.baremetal.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.kube.vocabulary.Nodes;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import dev.fairlead.lb.baremetal.speaker.election.NodeInfo;
import dev.fairlead.lb.baremetal.speaker.election.VipService;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterModelTest {
  static IPAddressPool pool(String... blocks) {
    IPAddressPool pool = new IPAddressPool();
    pool.getMetadata().setName("pool");
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of(blocks));
    pool.setSpec(spec);
    return pool;
  }

  static Service service(String name, String type, String policy, String lbClass, String... ips) {
    ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name)
        .withUid("uid-" + name).endMetadata()
        .withNewSpec().withType(type).withExternalTrafficPolicy(policy).withLoadBalancerClass(lbClass)
        .endSpec().withNewStatus().withNewLoadBalancer().endLoadBalancer().endStatus();
    Service s = b.build();
    for (String ip : ips) {
      s.getStatus().getLoadBalancer().getIngress()
          .add(new io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder().withIp(ip).build());
    }
    return s;
  }

  static EndpointSlice slice(String service, String node, Boolean ready) {
    return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(service + "-x")
        .addToLabels(ClusterModel.SERVICE_NAME_LABEL, service).endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("10.0.0.1").withNodeName(node)
        .withNewConditions().withReady(ready).endConditions().endEndpoint().build();
  }

  @Test
  void onlyPoolAddressesOfLoadBalancerServicesAreVips() {
    List<VipService> result = ClusterModel.services(
        List.of(
            service("in-pool", "LoadBalancer", "Cluster", null, "192.0.2.100", "203.0.113.9"),
            service("outside", "LoadBalancer", "Cluster", null, "203.0.113.10"),
            service("nodeport", "NodePort", "Cluster", null, "192.0.2.101"),
            service("other-class", "LoadBalancer", "Cluster", "example.com/lb", "192.0.2.102"),
            service("v6", "LoadBalancer", "Cluster", null, "2001:db8::100")),
        List.of(), List.of(pool("192.0.2.100-192.0.2.120", "2001:db8::/64")), Optional.empty());

    assertThat(result).extracting(s -> s.ref().name()).containsExactly("in-pool", "v6");
    assertThat(result.get(0).vips()).containsExactly(InetAddress.ofLiteral("192.0.2.100"));
  }

  @Test
  void loadBalancerClassSelectsServices() {
    List<VipService> result = ClusterModel.services(
        List.of(service("a", "LoadBalancer", "Cluster", null, "192.0.2.100"),
            service("b", "LoadBalancer", "Cluster", "example.com/lb", "192.0.2.101")),
        List.of(), List.of(pool("192.0.2.0/24")), Optional.of("example.com/lb"));

    assertThat(result).extracting(s -> s.ref().name()).containsExactly("b");
  }

  @Test
  void localPolicyCollectsNodesWithReadyEndpoints() {
    List<VipService> result = ClusterModel.services(
        List.of(service("web", "LoadBalancer", "Local", null, "192.0.2.100")),
        List.of(slice("web", "n1", true), slice("web", "n2", false), slice("web", "n3", null),
            slice("other", "n4", true)),
        List.of(pool("192.0.2.0/24")), Optional.empty());

    assertThat(result.get(0).localTrafficPolicy()).isTrue();
    assertThat(result.get(0).readyEndpointNodes()).containsExactlyInAnyOrder("n1", "n3");
  }

  @Test
  void nodesCarryExclusionNetworkConditionAndInternalIps() {
    Node excluded = new NodeBuilder().withNewMetadata().withName("n1")
        .addToLabels(Nodes.EXCLUDE_LABEL, "").endMetadata().build();
    Node noNetwork = new NodeBuilder().withNewMetadata().withName("n2").endMetadata()
        .withNewStatus().addNewCondition().withType("NetworkUnavailable").withStatus("True").endCondition()
        .addNewAddress().withType("InternalIP").withAddress("192.0.2.12").endAddress()
        .addNewAddress().withType("Hostname").withAddress("n2").endAddress().endStatus().build();

    List<NodeInfo> nodes = ClusterModel.nodes(List.of(excluded, noNetwork));

    assertThat(nodes.get(0).eligible()).isFalse();
    assertThat(nodes.get(0).excluded()).isTrue();
    assertThat(nodes.get(1).networkUnavailable()).isTrue();
    assertThat(nodes.get(1).internalIps()).containsExactly(InetAddress.ofLiteral("192.0.2.12"));
  }
}
