package dev.fairlead.lb.gcp.it;

import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.KubeFixtures;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.gcp.GcpProviderFactory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;

/** The real controller runtime with the gcp provider on the simulator, against the fake API server. */
final class ControllerOnSim {
  static final String CLUSTER = ControllerHarness.CLUSTER;

  private ControllerOnSim() {}

  static ControllerHarness start(KubernetesClient client, ProviderSettings settings, String identity) {
    return ControllerHarness.start(client,
        new GcpProviderFactory().create(new ProviderContext(CLUSTER, settings, Clock.systemUTC(), ApiCallListener.NONE)),
        ControllerHarness.fastSettings("gcp", identity));
  }

  /** A Service with ports 80 and 443 (TCP), and the given annotations. */
  static Service service(String namespace, String name, int nodePortBase, Map<String, String> annotations) {
    Service base = KubeFixtures.loadBalancer(namespace, name, 80, nodePortBase);
    return new ServiceBuilder(base).editMetadata().addToAnnotations(annotations).endMetadata().editSpec()
        .addToPorts(new ServicePortBuilder().withName("https").withProtocol("TCP").withPort(443)
            .withNodePort(nodePortBase + 1).build())
        .endSpec().build();
  }

  /** A Node backed by an instance of the simulator. */
  static Node node(String project, String zone, int i) {
    return KubeFixtures.node("node-" + i, "gce://" + project + "/" + zone + "/node-" + i, "192.0.2." + (100 + i));
  }
}
