package dev.fairlead.lb.azure.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import dev.fairlead.kube.fake.KubeFixtures;
import dev.fairlead.lb.azure.AzureProviderFactory;
import dev.fairlead.lb.azure.model.Names;
import dev.fairlead.sim.http.RecordedRequest;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real controller runtime with the Azure provider on the ARM simulator, against the fake API
 * server: what users see on their Services, node changes, invalid annotations, deletes.
 */
class ControllerOnAzureIT {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String NS = "shop";
  static final String CLUSTER = ControllerHarness.CLUSTER;

  AzureSim azure;
  FakeApiServer api;
  ControllerHarness controller;

  @BeforeEach
  void start() throws Exception {
    azure = AzureSim.start();
    api = FakeApiServer.start();
    for (int i = 1; i <= 3; i++) {
      api.client().nodes().resource(node(i)).create();
    }
    controller = ControllerHarness.start(api.client(),
        new AzureProviderFactory().create(azure.context(CLUSTER)), ControllerHarness.fastSettings("azure", "it-1"));
    controller.provider().recovered().await();
  }

  @AfterEach
  void stop() {
    controller.close();
    api.close();
    azure.close();
  }

  static io.fabric8.kubernetes.api.model.Node node(int i) {
    return KubeFixtures.node("node-" + i, "azure:///subscriptions/" + AzureSim.SUBSCRIPTION + "/resourceGroups/"
        + AzureSim.GROUP + "/providers/Microsoft.Compute/virtualMachines/node-" + i, "192.0.2." + (10 + i));
  }

  static Service twoPorts(String name) {
    Service service = KubeFixtures.loadBalancer(NS, name, 80, 30080);
    service.getSpec().setPorts(List.of(
        new ServicePortBuilder().withName("http").withProtocol("TCP").withPort(80).withNodePort(30080).build(),
        new ServicePortBuilder().withName("dns").withProtocol("UDP").withPort(53).withNodePort(30053).build()));
    return service;
  }

  String ip(String name) {
    List<LoadBalancerIngress> ingress = api.ingress(NS, name);
    return ingress.isEmpty() ? null : ingress.getFirst().getIp();
  }

  @Test
  void aServiceGetsItsAddressFollowsNodesAndLeavesNothingWhenDeleted() {
    Service web = api.client().services().resource(twoPorts("web")).create();
    String uid = web.getMetadata().getUid();
    String owner = Names.owner(new dev.fairlead.lb.api.ServiceKey(NS, "web", uid));

    String ip = await().atMost(WAIT).until(() -> ip("web"), a -> a != null);
    assertThat(ip).startsWith("198.51.100.");
    await().atMost(WAIT).untilAsserted(() -> assertThat(api.reasons(NS, "web"))
        .contains("EnsuringLoadBalancer", "EnsuredLoadBalancer"));
    JsonNode lb = azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER);
    assertThat(lb.at("/properties/frontendIPConfigurations/0/name").asText()).isEqualTo(owner);
    assertThat(lb.at("/properties/loadBalancingRules")).hasSize(2);

    azure.resetRecorder();
    api.client().nodes().resource(node(4)).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/"
        + CLUSTER).at("/properties/backendAddressPools/0/properties/loadBalancerBackendAddresses")).hasSize(4));
    assertThat(azure.requests().stream().filter(r -> !r.method().equals("GET")))
        .as("a node join is one pool write").hasSizeLessThanOrEqualTo(2);

    api.client().services().inNamespace(NS).withName("web").delete();
    await().atMost(WAIT).until(() -> api.service(NS, "web") == null);
    assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER))
        .as("the last Service's delete removes the shared load balancer").isNull();
    assertThat(azure.sim.resources(AzureSim.SUBSCRIPTION, AzureSim.GROUP, "publicIPAddresses")).isEmpty();
    assertThat(azure.sim.resource(AzureSim.NET + "/networkSecurityGroups/fairlead-nsg")
        .at("/properties/securityRules")).isEmpty();
  }

  @Test
  void anInvalidAnnotationGivesAWarningNamingItAndNoArmCallWhileOthersProceed() {
    azure.resetRecorder();
    Service bad = twoPorts("bad");
    bad.getMetadata().setAnnotations(Map.of("service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout",
        "forever"));
    api.client().services().resource(bad).create();

    await().atMost(WAIT).untilAsserted(() -> assertThat(api.warnings("bad")).anySatisfy(w -> assertThat(w)
        .contains("azure-load-balancer-tcp-idle-timeout").contains("forever")));
    assertThat(azure.requests()).as("ARM calls for an invalid Service").isEmpty();
    assertThat(ip("bad")).isNull();

    api.client().services().resource(twoPorts("good")).create();
    await().atMost(WAIT).until(() -> ip("good"), a -> a != null);
    List<RecordedRequest> calls = azure.requests();
    assertThat(calls).isNotEmpty();
    assertThat(ip("bad")).isNull();
  }
}
