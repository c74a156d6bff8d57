package dev.fairlead.lb.baremetal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller with {@code --provider baremetal} against the mock API server. */
class BareMetalControllerIT {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String NS = "lab";

  FakeApiServer api;
  ControllerHarness controller;
  int nodePort = 30000;

  @BeforeEach
  void setUp() {
    api = FakeApiServer.start();
    api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.51.100.1").endAddress()
        .endStatus().build()).create();
  }

  @AfterEach
  void tearDown() {
    stopController();
    api.close();
  }

  void startController() {
    LoadBalancerProvider provider = new BareMetalProviderFactory().create(new ProviderContext(
        ControllerHarness.CLUSTER, ProviderSettings.of(Map.of("retryWhenExhausted", "500ms")), Clock.systemUTC(),
        dev.fairlead.lb.api.ApiCallListener.NONE, Map.of(KubernetesClient.class, api.client())));
    controller = ControllerHarness.start(api.client(), provider, ControllerHarness.fastSettings("baremetal", "it"));
  }

  void stopController() {
    if (controller != null) {
      controller.close();
      controller = null;
    }
  }

  Service create(String name, Map<String, String> annotations, String... families) {
    Service service = new ServiceBuilder()
        .withNewMetadata().withNamespace(NS).withName(name).withUid(UUID.randomUUID().toString())
        .withAnnotations(annotations).endMetadata()
        .withNewSpec().withType("LoadBalancer")
        .withPorts(new ServicePortBuilder().withName("p").withProtocol("TCP")
            .withPort(annotations.containsKey("port") ? Integer.parseInt(annotations.get("port")) : 80)
            .withNodePort(nodePort++).build())
        .withIpFamilies(families.length == 0 ? List.of("IPv4") : List.of(families))
        .endSpec().build();
    return api.client().services().resource(service).create();
  }

  List<String> ips(String name) {
    Service service = api.client().services().inNamespace(NS).withName(name).get();
    if (service == null || service.getStatus() == null || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return service.getStatus().getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp).toList();
  }

  List<String> awaitIps(String name) {
    await().atMost(WAIT).until(() -> !ips(name).isEmpty());
    return ips(name);
  }

  String awaitWarning(String name, String text) {
    await().atMost(WAIT).until(() -> warnings(name).stream().anyMatch(m -> m.contains(text)));
    return warnings(name).stream().filter(m -> m.contains(text)).findFirst().orElseThrow();
  }

  List<String> warnings(String involved) {
    return api.client().v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> involved.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
        .map(Event::getMessage).toList();
  }

  @Test
  void servicesGetAddressesFromThePoolIncludingDualStackAndSharing() {
    Pools.create(api.client(), "lab", "192.0.2.0/29", "2001:db8::/125");
    startController();
    create("web", Map.of());
    create("dual", Map.of(), "IPv6", "IPv4");
    create("dns-tcp", Map.of(BareMetalAnnotations.SHARING_KEY, "dns", "port", "53"));
    create("dns-udp", Map.of(BareMetalAnnotations.METALLB_SHARING_KEY, "dns", "port", "5353"));

    // The four Services reconcile concurrently: which one gets which address is not defined, only
    // that every address comes from the pool, per family, and that only the sharing pair shares.
    List<String> web = awaitIps("web");
    assertThat(web).hasSize(1);
    assertThat(web.get(0)).matches("192\\.0\\.2\\.[0-7]");
    List<String> dual = awaitIps("dual");
    assertThat(dual).hasSize(2);
    assertThat(dual.get(0)).startsWith("2001:db8::");
    assertThat(dual.get(1)).matches("192\\.0\\.2\\.[0-7]");
    List<String> dns = awaitIps("dns-tcp");
    assertThat(awaitIps("dns-udp")).isEqualTo(dns);
    assertThat(java.util.Set.of(web.get(0), dual.get(1), dns.get(0))).hasSize(3);
    await().atMost(WAIT).untilAsserted(() -> {
      var status = Pools.get(api.client(), "lab").getStatus();
      assertThat(status).isNotNull();
      assertThat(status.getAllocatedIPv4()).isEqualTo(3);
      assertThat(status.getFreeIPv4()).isEqualTo(5);
      assertThat(status.getAllocatedIPv6()).isEqualTo(1);
    });
  }

  @Test
  void requestedAddressesAreHonouredAndBadRequestsGetAWarningWithoutDisturbingOthers() {
    Pools.create(api.client(), "lab", "192.0.2.0/29");
    startController();
    Service wanted = create("wanted", Map.of());
    api.client().services().inNamespace(NS).withName("wanted").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"loadBalancerIP\":\"192.0.2.5\"}}");
    create("outside", Map.of(dev.fairlead.controller.model.SpecMapper.ADDRESSES_ANNOTATION, "203.0.113.9"));
    create("no-pool", Map.of(BareMetalAnnotations.ADDRESS_POOL, "missing"));
    create("plain", Map.of());

    await().atMost(WAIT).until(() -> ips("wanted").equals(List.of("192.0.2.5")));
    assertThat(wanted).isNotNull();
    assertThat(awaitWarning("outside", "203.0.113.9 is not in any usable IPAddressPool")).isNotBlank();
    assertThat(awaitWarning("no-pool", "IPAddressPool 'missing' does not exist")).isNotBlank();
    assertThat(awaitIps("plain")).hasSize(1);
    assertThat(ips("outside")).isEmpty();
    assertThat(ips("no-pool")).isEmpty();
  }

  @Test
  void anExhaustedPoolLeavesTheServicePendingWithAWarningUntilAnAddressIsFreed() {
    Pools.create(api.client(), "tiny", "192.0.2.10-192.0.2.11");
    startController();
    create("a", Map.of());
    create("b", Map.of());
    awaitIps("a");
    awaitIps("b");
    create("c", Map.of());
    assertThat(awaitWarning("c", "no free IPv4 address in IPAddressPool(s) 'tiny'")).isNotBlank();
    assertThat(ips("c")).isEmpty();
    List<String> freed = ips("a");

    api.client().services().inNamespace(NS).withName("a").delete();
    await().atMost(WAIT).until(() -> ips("c").equals(freed));
    assertThat(ips("b")).isNotEqualTo(freed);
  }

  @Test
  void overlappingOrInvalidPoolsAreReportedAndIgnoredWhileOthersKeepWorking() {
    Pools.create(api.client(), "a-good", "192.0.2.0/28");
    Pools.create(api.client(), "b-overlap", "192.0.2.8/29");
    Pools.create(api.client(), "c-broken", "192.0.2/24");
    startController();
    create("web", Map.of());
    assertThat(awaitIps("web")).containsExactly("192.0.2.0");
    assertThat(awaitWarning("b-overlap", "overlaps 192.0.2.0-192.0.2.15 of IPAddressPool 'a-good'")).isNotBlank();
    assertThat(awaitWarning("c-broken", "spec.addresses[0]")).isNotBlank();
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(Pools.get(api.client(), "c-broken").getStatus().getError()).contains("'192.0.2/24'"));
  }

  @Test
  void repeatedRestartsNeverMoveOrDuplicateAnAddress() {
    Pools.create(api.client(), "lab", "192.0.2.0/28");
    startController();
    for (int i = 0; i < 4; i++) {
      create("svc-" + i, Map.of());
    }
    Map<String, List<String>> before = new java.util.HashMap<>();
    for (int i = 0; i < 4; i++) {
      before.put("svc-" + i, awaitIps("svc-" + i));
    }
    for (int restart = 0; restart < 3; restart++) {
      stopController();
      // While the controller is down, a released address would be up for grabs; it must not be.
      api.client().services().inNamespace(NS).withName("svc-" + restart).patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
              io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\"touched\":\"yes\"}}}");
      create("late-" + restart, Map.of());
      startController();
      String late = "late-" + restart;
      List<String> lateIps = awaitIps(late);
      List<String> all = new ArrayList<>(lateIps);
      for (var entry : before.entrySet()) {
        await().atMost(WAIT).until(() -> ips(entry.getKey()).equals(entry.getValue()));
        all.addAll(entry.getValue());
      }
      assertThat(new HashSet<>(all)).as("no address is held twice").hasSameSizeAs(all);
      before.put(late, lateIps);
    }
  }
}
