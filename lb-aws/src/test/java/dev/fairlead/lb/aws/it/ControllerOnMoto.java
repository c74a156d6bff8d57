package dev.fairlead.lb.aws.it;

import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.aws.AwsProviderFactory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.UUID;

/** A real controller runtime with the AWS provider on moto, against the fabric8 mock API server. */
final class ControllerOnMoto {
  static final String CLUSTER = ControllerHarness.CLUSTER;

  private ControllerOnMoto() {}

  static ControllerHarness start(
      KubernetesClient client, ProviderSettings settings, String identity) {
    return ControllerHarness.start(
        client,
        new AwsProviderFactory()
            .create(MotoServer.context(CLUSTER, settings, ApiCallListener.NONE)),
        ControllerHarness.fastSettings("aws", identity));
  }

  static Service service(String namespace, String name, int nodePortBase) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(UUID.randomUUID().toString())
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withSelector(Map.of("app", name))
        .withPorts(
            new ServicePortBuilder()
                .withName("http")
                .withProtocol("TCP")
                .withPort(80)
                .withNodePort(nodePortBase)
                .build(),
            new ServicePortBuilder()
                .withName("https")
                .withProtocol("TCP")
                .withPort(443)
                .withNodePort(nodePortBase + 1)
                .build())
        .withIpFamilies("IPv4")
        .endSpec()
        .build();
  }

  static Node node(int i) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("node-" + i)
        .addToLabels("kubernetes.io/hostname", "node-" + i)
        .endMetadata()
        .withNewSpec()
        .withProviderID("aws:///eu-west-1a/" + MotoServer.instance(i))
        .endSpec()
        .withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress("198.51.100." + i)
        .endAddress()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static String hostname(Service service) {
    if (service == null
        || service.getStatus() == null
        || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null
        || service.getStatus().getLoadBalancer().getIngress().isEmpty()) {
      return null;
    }
    return service.getStatus().getLoadBalancer().getIngress().getFirst().getHostname();
  }
}
