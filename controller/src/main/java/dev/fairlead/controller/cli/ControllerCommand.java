package dev.fairlead.controller.cli;

import dev.fairlead.controller.host.ClusterProviderFactory;
import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerRuntime;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fairlead controller}: runs the Service controller until stopped. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Give every Service of type LoadBalancer a load balancer from the chosen provider.",
      "Configuration errors, and a cluster that cannot be reached, exit with code 2 and one line."
    })
final class ControllerCommand implements Callable<Integer> {

  @Mixin ProviderOptions provider;

  @Mixin KubeconfigOption kubeconfig;

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "kubernetes",
      description = "Scopes and tags every load balancer resource (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Mixin LoadBalancerClassOption loadBalancerClass;

  @Option(names = "--leader-elect", description = "Run for a Lease before reconciling (for several replicas).")
  boolean leaderElect;

  @Option(names = "--leader-election-namespace", paramLabel = "NS",
      description = "Namespace of the Lease (default: $POD_NAMESPACE or the pod's namespace;"
          + " required outside a cluster).")
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

  @Mixin LoggingOptions logging;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    logging.apply();
    // Everything that can be wrong in the configuration is checked before the cluster is contacted.
    LoadBalancerProviderFactory factory = provider.factory(null);
    ProviderSettings providerSettings = provider.settings();
    Config config = kubeconfig.config();
    ControllerSettings settings =
        new ControllerSettings(
            factory.name(),
            clusterName,
            loadBalancerClass.loadBalancerClass(),
            concurrency,
            providerQps,
            Backoff.UPSTREAM,
            resyncPeriod,
            Duration.ofSeconds(1),
            leaderElect
                ? Optional.of(ControllerSettings.LeaderElectionSettings.defaults(leaseNamespace(), leaseName))
                : Optional.empty(),
            metricsPort,
            identity(),
            shutdownGrace);
    ControllerMetrics metrics = new ControllerMetrics();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    ControllerRuntime runtime;
    try {
      runtime = new ControllerRuntime(client,
          ClusterProviderFactory.binding(factory, new ProviderContext(clusterName, providerSettings,
              Clock.systemUTC(), metrics.cloudApiListener(factory.name()))),
          settings, metrics, Clock.systemUTC());
      Kubeconfigs.requireReachable(config);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runtime.close();
      runtime.provider().close();
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
    loadBalancerClass.loadBalancerClass();
    if (leaderElect) {
      leaseNamespace();
    }
  }

  private String leaseNamespace() {
    if (leaseNamespace != null) {
      return leaseNamespace;
    }
    return Kubeconfigs.podNamespace().orElseThrow(() -> new CliException("--leader-elect needs"
        + " --leader-election-namespace outside a cluster (no $POD_NAMESPACE, no service account)"));
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
