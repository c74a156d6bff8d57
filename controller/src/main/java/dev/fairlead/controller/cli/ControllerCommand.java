package dev.fairlead.controller.cli;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fairlead controller}: runs the Service controller until stopped. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Give every Service of type LoadBalancer a load balancer from the chosen provider.",
      "Configuration errors exit with code 2 before the cluster is contacted."
    })
final class ControllerCommand implements Callable<Integer> {

  @Option(names = "--provider", required = true, paramLabel = "NAME",
      description = "Provider to use (see 'fairlead providers').")
  String provider;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig to use. Default: in-cluster config, else $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "kubernetes",
      description = "Scopes and tags every load balancer resource (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Option(names = "--provider-config", paramLabel = "FILE",
      description = "YAML file with the provider's settings.")
  Path providerConfig;

  @Option(names = "--load-balancer-class", paramLabel = "CLASS",
      description = "Serve only Services with this spec.loadBalancerClass. Default: serve Services"
          + " without a class, as the cluster's default implementation.")
  String loadBalancerClass;

  @Option(names = "--leader-elect", description = "Run for a Lease before reconciling (for several replicas).")
  boolean leaderElect;

  @Option(names = "--leader-election-namespace", paramLabel = "NS",
      description = "Namespace of the Lease (default: $POD_NAMESPACE, else 'default').")
  String leaseNamespace;

  @Option(names = "--leader-election-id", paramLabel = "NAME", defaultValue = "fairlead-controller",
      description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Port for /metrics, /healthz and /readyz; -1 disables (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "10",
      description = "Provider calls in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--provider-qps", paramLabel = "N", defaultValue = "20",
      description = "Provider calls per second, sustained (default: ${DEFAULT-VALUE}).")
  int providerQps;

  @Option(names = "--resync-period", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class,
      description = "Re-check every Service this often; unchanged ones cost no provider call;"
          + " 0s disables (default: ${DEFAULT-VALUE}).")
  Duration resyncPeriod;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "20s",
      converter = DurationConverter.class,
      description = "Time in-flight reconciles get on shutdown (default: ${DEFAULT-VALUE}).")
  Duration shutdownGrace;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "plain",
      description = "plain or json (default: ${DEFAULT-VALUE}).")
  Logging.Format logFormat;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    Logging.configure(logFormat);
    // Everything that can be wrong in the configuration is checked before the cluster is contacted.
    LoadBalancerProviderFactory factory = ProviderRegistry.load().require(provider);
    ProviderSettings providerSettings =
        providerConfig == null ? ProviderSettings.empty() : ProviderConfigFile.read(providerConfig);
    Config config = Kubeconfigs.load(kubeconfig);
    String identity = identity();
    ControllerSettings settings =
        new ControllerSettings(
            factory.name(),
            clusterName,
            Optional.ofNullable(loadBalancerClass),
            concurrency,
            providerQps,
            Backoff.UPSTREAM,
            resyncPeriod,
            Duration.ofSeconds(1),
            leaderElect
                ? Optional.of(ControllerSettings.LeaderElectionSettings.defaults(leaseNamespace(), leaseName))
                : Optional.empty(),
            metricsPort,
            identity,
            shutdownGrace);
    ControllerMetrics metrics = new ControllerMetrics();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    LoadBalancerProvider lb;
    try {
      lb = factory.create(new ProviderContext(clusterName, providerSettings, Clock.systemUTC(),
          metrics.cloudApiListener(factory.name()), Map.of(KubernetesClient.class, client)));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    ControllerRuntime runtime = new ControllerRuntime(client, lb, settings, metrics, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runtime.close();
      lb.close();
      client.close();
    }, "shutdown"));
    runtime.start();
    runtime.stopped().join();
    return 0;
  }

  private void validate() {
    if (concurrency < 1 || concurrency > 1024) {
      throw new CliException("--concurrency must be between 1 and 1024, got " + concurrency);
    }
    if (providerQps < 1) {
      throw new CliException("--provider-qps must be at least 1, got " + providerQps);
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new CliException("--metrics-port must be -1 (off) or 0-65535, got " + metricsPort);
    }
    if (!clusterName.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      throw new CliException("--cluster-name '" + clusterName
          + "' must be a DNS label: a-z, 0-9 and '-', at most 63 characters");
    }
    if (loadBalancerClass != null && loadBalancerClass.isBlank()) {
      throw new CliException("--load-balancer-class must not be empty");
    }
  }

  private String leaseNamespace() {
    if (leaseNamespace != null) {
      return leaseNamespace;
    }
    String fromPod = System.getenv("POD_NAMESPACE");
    return fromPod == null || fromPod.isBlank() ? "default" : fromPod;
  }

  private static String identity() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host = System.getenv().getOrDefault("HOSTNAME", "fairlead");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
