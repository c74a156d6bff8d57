package dev.fairlead.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairlead.controller.cli.CliException;
import dev.fairlead.controller.cli.ProviderConfigFile;
import dev.fairlead.controller.host.ClusterProviderFactory;
import dev.fairlead.controller.cli.ProviderRegistry;
import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.sandbox.api.Json;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sandbox: the embedded API, seeded Nodes (and, for bare metal, the IPAddressPool CRD and
 * the default pool) and the real controller with the chosen provider, found through ServiceLoader.
 */
public final class Sandbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
  /** The cluster name the controller scopes provider resources with. */
  public static final String CLUSTER = "sandbox";
  /** The bare-metal provider's name. */
  static final String BAREMETAL = "baremetal";
  private static final String CRD_RESOURCE = "crds/ipaddresspools.baremetal.fairlead.dev.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** How long a graceful stop waits for the controller to delete the load balancers. */
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(90);

  private final SandboxApiServer api;
  private final KubernetesClient client;
  private final LoadBalancerProvider provider;
  private final ControllerRuntime runtime;
  private final Path kubeconfig;
  private final Optional<SandboxCloud> cloud;
  private final Optional<Path> cloudEnv;
  private final List<String> cloudHints;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Sandbox(SandboxApiServer api, KubernetesClient client, LoadBalancerProvider provider,
      ControllerRuntime runtime, Path kubeconfig, Optional<SandboxCloud> cloud, Optional<Path> cloudEnv,
      List<String> cloudHints) {
    this.api = api;
    this.client = client;
    this.provider = provider;
    this.runtime = runtime;
    this.kubeconfig = kubeconfig;
    this.cloud = cloud;
    this.cloudEnv = cloudEnv;
    this.cloudHints = cloudHints;
  }

  /**
   * Starts everything. Configuration problems (unknown provider, missing or bad provider config,
   * port taken) fail before anything keeps running.
   *
   * @param options how
   * @return the running sandbox
   * @throws CliException for configuration problems
   */
  public static Sandbox start(SandboxOptions options) {
    LoadBalancerProviderFactory factory = requireProvider(options.provider());
    ProviderSettings configured = options.providerConfig() == null
        ? ProviderSettings.empty() : ProviderConfigFile.read(options.providerConfig());
    Path workDir = options.kubeconfig().toAbsolutePath().getParent();
    Optional<SandboxCloud> cloud =
        SandboxCloud.forProvider(factory.name(), configured, options.providerConfig(), workDir);
    SandboxApiServer api;
    try {
      api = SandboxApiServer.start(options.host(), options.port());
    } catch (SandboxApiServer.PortInUseException e) {
      throw new CliException("cannot listen on " + e.getMessage()
          + "; stop what uses it or choose another address with --listen HOST:PORT");
    }
    KubernetesClient client = null;
    ControllerRuntime runtime = null;
    try {
      ProviderSettings settings = configured;
      Map<String, String> environment = Map.of();
      List<String> hints = List.of();
      Clock clock = Clock.systemUTC();
      if (factory.name().equals(BAREMETAL)) {
        api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json.write(poolCrd()));
      }
      List<ObjectNode> nodes;
      if (cloud.isPresent()) {
        SandboxCloud.Prepared prepared = cloud.get().prepare(options.nodes(), CLUSTER);
        nodes = SandboxNodes.cloud(prepared.instances(), clock.instant());
        settings = prepared.settings();
        environment = prepared.environment();
        hints = prepared.hints();
      } else {
        nodes = SandboxNodes.bareMetal(options.nodes(), clock.instant());
      }
      for (ObjectNode node : nodes) {
        api.post("/api/v1/nodes", Json.write(node));
      }
      if (factory.name().equals(BAREMETAL) && options.defaultPool()) {
        api.post("/apis/baremetal.fairlead.dev/v1alpha1/ipaddresspools", Json.write(defaultPool()));
      }
      client = api.newClient();
      ControllerMetrics metrics = new ControllerMetrics();
      runtime = new ControllerRuntime(client, ClusterProviderFactory.binding(factory,
          new ProviderContext(CLUSTER, settings, clock, metrics.cloudApiListener(factory.name()))),
          settings(factory.name(), options.metricsPort()), metrics, clock);
      runtime.start();
      Path kubeconfig = api.writeKubeconfig(options.kubeconfig());
      Optional<Path> cloudEnv = environment.isEmpty() ? Optional.empty()
          : Optional.of(writeCloudEnv(kubeconfig.resolveSibling("cloud.env"), environment));
      return new Sandbox(api, client, runtime.provider(), runtime, kubeconfig, cloud, cloudEnv, hints);
    } catch (RuntimeException e) {
      if (runtime != null) {
        runtime.close();
        runtime.provider().close();
      }
      if (client != null) {
        client.close();
      }
      api.close();
      cloud.ifPresent(SandboxCloud::close);
      throw e;
    }
  }

  /**
   * Writes {@code export NAME='value'} lines a shell can source.
   *
   * @param file where
   * @param environment the variables
   * @return the file
   */
  static Path writeCloudEnv(Path file, Map<String, String> environment) {
    StringBuilder b = new StringBuilder("# Written by 'fairlead sandbox': source it to point the cloud's CLI at the sandbox.\n");
    new java.util.TreeMap<>(environment).forEach((k, v) ->
        b.append("export ").append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, b.toString());
      return file.toAbsolutePath();
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The controller settings the sandbox runs with: the defaults, the metrics port asked for (off by
   * default: nothing else to collide with), a short shutdown grace.
   *
   * @param providerName the provider
   * @param metricsPort the port of /metrics, /healthz and /readyz; 0 picks a free one, -1 none
   * @return the settings
   */
  static ControllerSettings settings(String providerName, int metricsPort) {
    return new ControllerSettings(providerName, CLUSTER, Optional.empty(), 10, 20, Backoff.UPSTREAM,
        Duration.ofMinutes(10), Duration.ofSeconds(1), Optional.empty(), metricsPort,
        "sandbox-" + ProcessHandle.current().pid(), Duration.ofSeconds(5));
  }

  /**
   * Deletes every Service of type LoadBalancer and waits (bounded) until the controller has removed
   * their load balancers and released the finalizers.
   */
  private void releaseLoadBalancers(Duration timeout) {
    List<Service> services = loadBalancerServices();
    if (services.isEmpty()) {
      return;
    }
    LOG.info("Deleting {} LoadBalancer Service(s) so their cloud resources go too", services.size());
    for (Service service : services) {
      client.services().inNamespace(service.getMetadata().getNamespace())
          .withName(service.getMetadata().getName()).delete();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && !loadBalancerServices().isEmpty()) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<String> left = loadBalancerServices().stream()
        .map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()).toList();
    if (!left.isEmpty()) {
      LOG.warn("The load balancers of {} were not deleted within {} s; their cloud resources remain",
          left, timeout.toSeconds());
    }
  }

  private List<Service> loadBalancerServices() {
    return client.services().inAnyNamespace().list().getItems().stream()
        .filter(s -> s.getSpec() != null && "LoadBalancer".equals(s.getSpec().getType()))
        .toList();
  }

  private static LoadBalancerProviderFactory requireProvider(String name) {
    ProviderRegistry registry = ProviderRegistry.load();
    requireInstalled(name, registry.all().stream().map(LoadBalancerProviderFactory::name).toList());
    return registry.require(name);
  }

  /**
   * Fails with a clear message when one of this project's own providers is asked for but its jar is
   * missing from the distribution (an unknown name is left to the registry's own message).
   *
   * @param name the provider asked for
   * @param installed the names of the installed providers
   * @throws CliException if {@code name} is a known provider that is not installed
   */
  static void requireInstalled(String name, List<String> installed) {
    if (!installed.contains(name) && List.of("aws", "gcp", "azure", BAREMETAL).contains(name)) {
      throw new CliException("the " + name + " provider is not installed in this distribution"
          + " (installed: " + (installed.isEmpty() ? "none" : String.join(", ", installed)) + ")");
    }
  }

  /**
   * The IPAddressPool CRD, from the jar.
   *
   * @return the CRD as JSON
   */
  static JsonNode poolCrd() {
    try (InputStream in = Sandbox.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is missing from the sandbox jar");
      }
      return YAML.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode defaultPool() {
    ObjectNode pool = Json.object().put("apiVersion", "baremetal.fairlead.dev/v1alpha1").put("kind", "IPAddressPool");
    pool.putObject("metadata").put("name", "sandbox");
    ObjectNode spec = pool.putObject("spec");
    spec.putArray("addresses").add("198.51.100.0/24").add("2001:db8::/112");
    spec.put("autoAssign", true);
    spec.put("avoidBuggyIPs", true); // hand out 198.51.100.1 first, not the .0 network address
    return pool;
  }

  /**
   * The API server.
   *
   * @return the server
   */
  public SandboxApiServer api() {
    return api;
  }

  /**
   * Where the kubeconfig was written.
   *
   * @return the absolute path
   */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * Where the cloud's environment file was written, if the provider has a cloud.
   *
   * @return the absolute path of {@code cloud.env}
   */
  public Optional<Path> cloudEnv() {
    return cloudEnv;
  }

  /**
   * Lines for the banner about the cloud behind the Nodes.
   *
   * @return the hints, possibly empty
   */
  public List<String> cloudHints() {
    return cloudHints;
  }

  /**
   * The URL of the controller's {@code /metrics}, if a metrics port was asked for.
   *
   * @return the URL
   */
  public Optional<String> metricsUrl() {
    int port = runtime.httpPort();
    return port < 0 ? Optional.empty() : Optional.of("http://127.0.0.1:" + port + "/metrics");
  }

  /**
   * Stops the sandbox. With a cloud behind it, the LoadBalancer Services are deleted first and the
   * controller releases them, so their cloud resources go too; then the controller, the provider,
   * the client, the API and the cloud stop (the cloud terminates its instances and any emulator the
   * sandbox started). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping the sandbox");
    if (cloud.isPresent()) {
      releaseLoadBalancers(RELEASE_TIMEOUT);
    }
    runtime.close();
    provider.close();
    client.close();
    api.close();
    cloud.ifPresent(SandboxCloud::close);
  }
}
