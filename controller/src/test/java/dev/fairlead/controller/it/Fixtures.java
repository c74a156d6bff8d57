package dev.fairlead.controller.it;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.UUID;

/** Builders for the Kubernetes objects the integration tests create. */
final class Fixtures {
  private Fixtures() {}

  static Service loadBalancer(String namespace, String name, int port, int nodePort) {
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

  static Node node(String name, int index) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("kubernetes.io/hostname", name)
        .endMetadata()
        .withNewSpec()
        .withProviderID("test:///zone-a/" + name)
        .endSpec()
        .withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress("198.51.100." + index)
        .endAddress()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }
}
