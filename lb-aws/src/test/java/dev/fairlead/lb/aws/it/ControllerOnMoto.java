package dev.fairlead.lb.aws.it;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.aws.AwsProviderFactory;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A real controller runtime with the AWS provider on moto, against the fabric8 mock API server. */
final class ControllerOnMoto implements AutoCloseable {
  static final String CLUSTER = "it-cluster";

  /** The fabric8 mock API server in CRUD mode. */
  static final class Cluster implements AutoCloseable {
    final KubernetesMockServer server;
    final KubernetesClient client;

    Cluster() {
      server =
          new KubernetesMockServer(
              new Context(),
              new MockWebServer(),
              new HashMap<>(),
              new KubernetesCrudDispatcher(),
              false);
      server.init(InetAddress.getLoopbackAddress(), 0);
      client = server.createClient();
    }

    @Override
    public void close() {
      client.close();
      server.destroy();
    }
  }

  /** Counts what the controller asked of the provider. */
  static final class Counting implements LoadBalancerProvider {
    final LoadBalancerProvider delegate;
    final CountDownLatch recovered = new CountDownLatch(1);
    final AtomicInteger ensures = new AtomicInteger();
    final AtomicInteger updates = new AtomicInteger();

    Counting(LoadBalancerProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public ProviderCapabilities capabilities() {
      return delegate.capabilities();
    }

    @Override
    public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
      delegate.recover(published);
      recovered.countDown();
    }

    @Override
    public Optional<LoadBalancerStatus> find(ServiceKey service) {
      return delegate.find(service);
    }

    @Override
    public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
      LoadBalancerStatus status = delegate.ensure(spec);
      ensures.incrementAndGet();
      return status;
    }

    @Override
    public void updateBackends(LoadBalancerSpec spec) {
      delegate.updateBackends(spec);
      updates.incrementAndGet();
    }

    @Override
    public void ensureDeleted(ServiceKey service) {
      delegate.ensureDeleted(service);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  final ControllerRuntime runtime;
  final Counting provider;

  private ControllerOnMoto(ControllerRuntime runtime, Counting provider) {
    this.runtime = runtime;
    this.provider = provider;
  }

  static ControllerOnMoto start(
      KubernetesClient client, ProviderSettings settings, String identity) {
    Counting provider =
        new Counting(
            new AwsProviderFactory()
                .create(
                    new ProviderContext(
                        CLUSTER, settings, Clock.systemUTC(), ApiCallListener.NONE, Map.of())));
    ControllerSettings controller =
        new ControllerSettings(
            "aws",
            CLUSTER,
            Optional.empty(),
            8,
            1000,
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)),
            Duration.ZERO,
            Duration.ofMillis(100),
            Optional.empty(),
            -1,
            identity,
            Duration.ofSeconds(2));
    ControllerRuntime runtime =
        new ControllerRuntime(
            client, provider, controller, new ControllerMetrics(), Clock.systemUTC());
    runtime.start();
    return new ControllerOnMoto(runtime, provider);
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

  @Override
  public void close() {
    runtime.close();
    provider.close();
  }
}
