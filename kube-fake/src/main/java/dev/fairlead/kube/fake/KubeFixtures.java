package dev.fairlead.kube.fake;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.UUID;

/** Builders for the Kubernetes objects integration tests create. */
public final class KubeFixtures {
  private KubeFixtures() {}

  /**
   * A Service of type LoadBalancer with a fresh UID, selector {@code app=<name>}, IPv4 and one TCP
   * port named {@code http}.
   *
   * @param namespace its namespace
   * @param name its name
   * @param port the Service port
   * @param nodePort its node port
   * @return the Service
   */
  public static Service loadBalancer(String namespace, String name, int port, int nodePort) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(UUID.randomUUID().toString())
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withSelector(java.util.Map.of("app", name))
        .withPorts(
            new ServicePortBuilder()
                .withName("http")
                .withProtocol("TCP")
                .withPort(port)
                .withNodePort(nodePort)
                .build())
        .withIpFamilies("IPv4")
        .endSpec()
        .build();
  }

  /**
   * A ready Node with providerID {@code test:///zone-a/<name>} and InternalIP {@code
   * 198.51.100.<index>}.
   *
   * @param name its name
   * @param index 1..254, for its address
   * @return the Node
   */
  public static Node node(String name, int index) {
    return node(name, "test:///zone-a/" + name, "198.51.100." + index);
  }

  /**
   * A ready Node.
   *
   * @param name its name
   * @param providerId its {@code spec.providerID}, such as {@code gce://project/zone/name}
   * @param internalIp its InternalIP
   * @return the Node
   */
  public static Node node(String name, String providerId, String internalIp) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("kubernetes.io/hostname", name)
        .endMetadata()
        .withNewSpec()
        .withProviderID(providerId)
        .endSpec()
        .withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(internalIp)
        .endAddress()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }
}
