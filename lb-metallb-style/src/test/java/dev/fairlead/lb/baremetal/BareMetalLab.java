package dev.fairlead.lb.baremetal;

import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A fake cluster with one Node and bare-metal controllers on it, for the provider's integration
 * tests: start controllers (of any class, with any provider settings), create Services, and read
 * back addresses and events.
 */
final class BareMetalLab implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String NS = "lab";

  final FakeApiServer api = FakeApiServer.start();
  private final List<ControllerHarness> controllers = new ArrayList<>();
  private int nodePort = 30000;

  BareMetalLab() {
    api.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.51.100.1").endAddress()
        .endStatus().build()).create();
  }

  /** A controller of the default class, retrying exhausted pools every 500 ms. */
  ControllerHarness start() {
    return start(ControllerHarness.fastSettings("baremetal", "it"), Map.of(), ApiCallListener.NONE);
  }

  ControllerHarness start(ControllerSettings settings, Map<String, String> providerSettings,
      ApiCallListener apiCalls) {
    Map<String, String> all = new HashMap<>(Map.of("retryWhenExhausted", "500ms"));
    all.putAll(providerSettings);
    ProviderContext context = new ProviderContext(ControllerHarness.CLUSTER, ProviderSettings.of(all),
        Clock.systemUTC(), apiCalls);
    ControllerHarness controller = ControllerHarness.start(api.client(),
        host -> new BareMetalProviderFactory().create(context, host), settings);
    controllers.add(controller);
    return controller;
  }

  /** Settings of a controller serving a load-balancer class. */
  static ControllerSettings ofClass(String identity, String loadBalancerClass) {
    ControllerSettings base = ControllerHarness.fastSettings("baremetal", identity);
    return new ControllerSettings(base.providerName(), base.clusterName(), Optional.of(loadBalancerClass),
        base.concurrency(), base.providerCallsPerSecond(), base.backoff(), base.resyncPeriod(),
        base.nodeSyncDelay(), base.leaderElection(), base.metricsPort(), base.identity(),
        base.shutdownGrace());
  }

  void stop(ControllerHarness controller) {
    if (controllers.remove(controller)) {
      controller.close();
    }
  }

  /** A LoadBalancer Service on port 80/TCP (IPv4) with a fresh UID and node port. */
  ServiceBuilder loadBalancer(String name) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(NS).withName(name).withUid(UUID.randomUUID().toString())
        .endMetadata()
        .withNewSpec().withType("LoadBalancer")
        .withPorts(new ServicePortBuilder().withName("p").withProtocol("TCP").withPort(80)
            .withNodePort(nodePort++).build())
        .withIpFamilies("IPv4")
        .endSpec();
  }

  Service create(ServiceBuilder service) {
    return api.client().services().resource(service.build()).create();
  }

  Service create(String name, UnaryOperator<ServiceBuilder> change) {
    return create(change.apply(loadBalancer(name)));
  }

  void edit(String name, UnaryOperator<Service> change) {
    api.client().services().inNamespace(NS).withName(name).edit(change);
  }

  List<String> ips(String name) {
    return api.ingress(NS, name).stream().map(LoadBalancerIngress::getIp).toList();
  }

  List<String> awaitIps(String name) {
    await().atMost(WAIT).until(() -> !ips(name).isEmpty());
    return ips(name);
  }

  List<String> warnings(String involved) {
    return api.warnings(involved);
  }

  List<Event> events(String involved) {
    return api.eventsAnywhere(involved);
  }

  String awaitWarning(String involved, String text) {
    await().atMost(WAIT).until(() -> warnings(involved).stream().anyMatch(m -> m.contains(text)));
    return warnings(involved).stream().filter(m -> m.contains(text)).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    for (ControllerHarness controller : List.copyOf(controllers)) {
      stop(controller);
    }
    api.close();
  }
}
