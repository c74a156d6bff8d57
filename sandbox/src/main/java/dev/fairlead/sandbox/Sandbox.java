package dev.fairlead.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fairlead.controller.cli.CliException;
import dev.fairlead.controller.cli.ProviderConfigFile;
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
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  private final SandboxApiServer api;
  private final KubernetesClient client;
  private final LoadBalancerProvider provider;
  private final ControllerRuntime runtime;
  private final Path kubeconfig;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Sandbox(SandboxApiServer api, KubernetesClient client, LoadBalancerProvider provider,
      ControllerRuntime runtime, Path kubeconfig) {
    this.api = api;
    this.client = client;
    this.provider = provider;
    this.runtime = runtime;
    this.kubeconfig = kubeconfig;
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
    Optional<Ec2Instances> ec2 = Optional.empty();
    if (factory.name().equals("aws")) {
      ec2 = Optional.of(Ec2Instances.fromSettings(configured, options.providerConfig()));
    }
    SandboxApiServer api;
    try {
      api = SandboxApiServer.start(options.host(), options.port());
    } catch (SandboxApiServer.PortInUseException e) {
      throw new CliException("cannot listen on " + e.getMessage()
          + "; stop what uses it or choose another address with --listen HOST:PORT");
    }
    KubernetesClient client = null;
    LoadBalancerProvider provider = null;
    try {
      ProviderSettings settings = configured;
      Clock clock = Clock.systemUTC();
      if (factory.name().equals(BAREMETAL)) {
        api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json.write(poolCrd()));
      }
      List<ObjectNode> nodes;
      if (ec2.isPresent()) {
        Ec2Instances.Launch launch = ec2.get().prepare(options.nodes(), CLUSTER);
        nodes = SandboxNodes.cloud(launch.instances(), clock.instant());
        if (settings.optional("vpcId").isEmpty() && launch.vpcId().isPresent()) {
          java.util.Map<String, String> values = new java.util.LinkedHashMap<>(settings.values());
          values.put("vpcId", launch.vpcId().get());
          settings = ProviderSettings.of(values);
        }
      } else {
        if (!factory.name().equals(BAREMETAL) && options.nodes() > 0) {
          // gcp/azure once installed: the sandbox does not create their instances (yet).
          LOG.warn("The sandbox creates no {} instances: its {} Nodes have no providerID, so the provider"
              + " may not find backends for them", factory.name(), options.nodes());
        }
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
      provider = factory.create(new ProviderContext(CLUSTER, settings, clock,
          metrics.cloudApiListener(factory.name()), Map.of(KubernetesClient.class, client)));
      ControllerRuntime runtime = new ControllerRuntime(client, provider,
          settings(factory.name()), metrics, clock);
      runtime.start();
      Path kubeconfig = api.writeKubeconfig(options.kubeconfig());
      return new Sandbox(api, client, provider, runtime, kubeconfig);
    } catch (RuntimeException e) {
      if (provider != null) {
        provider.close();
      }
      if (client != null) {
        client.close();
      }
      api.close();
      throw e;
    }
  }

  /**
   * The controller settings the sandbox runs with: the defaults, no metrics port (nothing else to
   * collide with), a short shutdown grace.
   *
   * @param providerName the provider
   * @return the settings
   */
  static ControllerSettings settings(String providerName) {
    return new ControllerSettings(providerName, CLUSTER, Optional.empty(), 10, 20, Backoff.UPSTREAM,
        Duration.ofMinutes(10), Duration.ofSeconds(1), Optional.empty(), -1,
        "sandbox-" + ProcessHandle.current().pid(), Duration.ofSeconds(5));
  }

  private static LoadBalancerProviderFactory requireProvider(String name) {
    ProviderRegistry registry = ProviderRegistry.load();
    boolean installed = registry.all().stream().anyMatch(f -> f.name().equals(name));
    if (!installed && List.of("aws", "gcp", "azure", BAREMETAL).contains(name)) {
      String available = registry.all().isEmpty() ? "none"
          : String.join(", ", registry.all().stream().map(LoadBalancerProviderFactory::name).toList());
      throw new CliException("the " + name + " provider is not installed in this distribution"
          + " (installed: " + available + ")");
    }
    return registry.require(name);
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

  /** Stops the controller, then the provider, the client and the API. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping the sandbox");
    runtime.close();
    provider.close();
    client.close();
    api.close();
  }
}
