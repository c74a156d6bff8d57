package dev.fairlead.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.cli.ProviderRegistry;
import dev.fairlead.controller.host.ClusterProviderFactory;
import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The controller's RBAC in deploy/ grants exactly what the controller was seen using: every
 * (group, resource, verb) of a full run against a recording API server is granted, and every grant
 * was used. A new API call without a rule fails here, and so does a rule nobody needs.
 */
class ControllerRbacIT {
  static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void grantsAreExactlyWhatTheControllerUses() throws Exception {
    RecordingDispatcher dispatcher = new RecordingDispatcher("fairlead-under-test");
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    try {
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build()).create();
      IPAddressPool pool = new IPAddressPool();
      pool.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("lab").build());
      IPAddressPoolSpec spec = new IPAddressPoolSpec();
      spec.setAddresses(List.of("192.0.2.0/31"));
      // A selector makes the provider read each Service's labels (the 'services get' grant).
      spec.setServiceSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
          .addNewMatchExpression().withKey("tier").withOperator("NotIn").withValues("internal")
          .endMatchExpression().build());
      pool.setSpec(spec);
      client.resources(IPAddressPool.class).resource(pool).create();

      dispatcher.recording = true;
      try (KubernetesClient controllerClient = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
          .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
              .withUserAgent("fairlead-under-test").build())
          .build()) {
        runControllerThroughItsPaces(client, controllerClient);
      }
      dispatcher.recording = false;
    } finally {
      client.close();
      server.destroy();
    }

    List<HasMetadata> objects = Manifests.objects(Manifests.kustomize("baremetal"));
    Set<ApiUse> granted = Manifests.grants(objects, "fairlead-controller");
    Set<ApiUse> used = dispatcher.uses;
    assertThat(granted).as("every API use of the controller is granted; requests seen: %s",
        new java.util.TreeSet<>(dispatcher.requests)).containsAll(used);
    Set<ApiUse> unused = new HashSet<>(granted);
    unused.removeAll(used);
    assertThat(unused).as("no grant is broader than what the controller uses").isEmpty();
  }

  /** Drives the controller (on {@code controllerClient}) through its paces; the test acts on {@code client}. */
  private static void runControllerThroughItsPaces(KubernetesClient client, KubernetesClient controllerClient) {
    var binding = ClusterProviderFactory.binding(ProviderRegistry.load().require("baremetal"),
        new ProviderContext("rbac", ProviderSettings.of(Map.of("retryWhenExhausted", "500ms")),
            Clock.systemUTC(), ApiCallListener.NONE));
    ControllerSettings settings = new ControllerSettings("baremetal", "rbac", Optional.empty(), 4, 1000,
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ZERO, Duration.ofMillis(100),
        Optional.of(new ControllerSettings.LeaderElectionSettings("fairlead-system", "fairlead-controller",
            Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300))),
        -1, "rbac-it", Duration.ofSeconds(2));
    ControllerRuntime runtime = new ControllerRuntime(controllerClient, binding, settings, new ControllerMetrics(),
        Clock.systemUTC());
    LoadBalancerProvider provider = runtime.provider();
    try {
      runtime.start();
      await().atMost(WAIT).until(runtime::isLeading);
      client.services().resource(service("web", 30080)).create();
      client.services().resource(service("api", 30081)).create();
      await().atMost(WAIT).until(() -> published(client, "web") && published(client, "api"));
      // The pool (two addresses) is exhausted: "waiting" is retried, and its repeated Warning is
      // aggregated into one Event with a patch.
      client.services().resource(service("waiting", 30082)).create();
      await().atMost(WAIT).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
          .anyMatch(e -> "waiting".equals(e.getInvolvedObject().getName()) && e.getCount() != null
              && e.getCount() > 1));
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-2").endMetadata().build()).create();
      client.services().inNamespace("default").withName("api").delete();
      await().atMost(WAIT).until(() -> client.services().inNamespace("default").withName("api").get() == null);
      await().atMost(WAIT).until(() -> published(client, "waiting")); // got the freed address
      runtime.events().flush(Duration.ofSeconds(5));
    } finally {
      runtime.close();
      provider.close();
    }
  }

  static Service service(String name, int nodePort) {
    return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name)
        .withUid(UUID.randomUUID().toString()).endMetadata()
        .withNewSpec().withType("LoadBalancer").withIpFamilies("IPv4")
        .withPorts(new ServicePortBuilder().withProtocol("TCP").withPort(80).withNodePort(nodePort).build())
        .endSpec().build();
  }

  static boolean published(KubernetesClient client, String name) {
    Service s = client.services().inNamespace("default").withName(name).get();
    return s != null && s.getStatus() != null && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null
        && !s.getStatus().getLoadBalancer().getIngress().isEmpty();
  }
}
