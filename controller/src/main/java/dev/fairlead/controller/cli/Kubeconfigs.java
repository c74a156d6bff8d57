package dev.fairlead.controller.cli;

import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and checks the cluster configuration for every subcommand, with one-line errors: a missing
 * or invalid kubeconfig, one that names no cluster, no configuration at all outside a cluster, and
 * an API server that does not answer are each one line on stderr and exit code 2 within seconds,
 * instead of a stack trace after a long retry.
 */
public final class Kubeconfigs {
  /** The service-account token mounted into pods. */
  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
  /** How long the start-up reachability check waits for a connection to the API server. */
  static final Duration PROBE_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /**
   * How long it waits for the answer once connected: a server that accepted the connection is
   * there, and a busy one (a loaded node, a control plane under a burst) must not make a pod exit.
   */
  static final Duration PROBE_ANSWER_TIMEOUT = Duration.ofSeconds(15);

  private Kubeconfigs() {}

  /**
   * The client configuration, without contacting the cluster: {@code kubeconfig} if given, else
   * the first existing file of {@code $KUBECONFIG}, else {@code ~/.kube/config}, else the pod's
   * service account.
   *
   * @param kubeconfig the file given with {@code --kubeconfig}, or null
   * @return the configuration
   * @throws CliException naming the file and the problem, or saying that there is none
   */
  public static Config load(Path kubeconfig) {
    return load(kubeconfig, System.getenv(), Path.of(System.getProperty("user.home")), SERVICE_ACCOUNT);
  }

  static Config load(Path kubeconfig, Map<String, String> env, Path home, Path serviceAccount) {
    if (kubeconfig != null) {
      return fromFile(kubeconfig, "kubeconfig " + kubeconfig);
    }
    String fromEnv = env.get("KUBECONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      for (String part : fromEnv.split(File.pathSeparator)) {
        if (!part.isBlank() && Files.isRegularFile(Path.of(part))) {
          return fromFile(Path.of(part), "kubeconfig " + part + " (from $KUBECONFIG)");
        }
      }
      throw new CliException("$KUBECONFIG (" + fromEnv + ") names no existing file");
    }
    Path userConfig = home.resolve(".kube").resolve("config");
    if (Files.isRegularFile(userConfig)) {
      return fromFile(userConfig, "kubeconfig " + userConfig);
    }
    if (env.containsKey("KUBERNETES_SERVICE_HOST") && Files.isRegularFile(serviceAccount.resolve("token"))) {
      return Config.autoConfigure(null);
    }
    throw new CliException("no Kubernetes configuration: pass --kubeconfig FILE, set $KUBECONFIG or"
        + " create ~/.kube/config (outside a cluster; inside one the service account is used)");
  }

  /**
   * The namespace this process runs in, when it runs in a pod.
   *
   * @return {@code $POD_NAMESPACE}, else the service account's namespace, else empty
   */
  public static Optional<String> podNamespace() {
    String fromPod = System.getenv("POD_NAMESPACE");
    if (fromPod != null && !fromPod.isBlank()) {
      return Optional.of(fromPod.strip());
    }
    try {
      return Optional.of(Files.readString(SERVICE_ACCOUNT.resolve("namespace")).strip())
          .filter(ns -> !ns.isEmpty());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Config fromFile(Path file, String what) {
    String content;
    try {
      content = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CliException(what + " does not exist");
    } catch (IOException e) {
      throw new CliException("cannot read " + what + ": " + e.getMessage());
    }
    io.fabric8.kubernetes.api.model.Config parsed;
    try {
      parsed = KubeConfigUtils.parseConfigFromString(content);
    } catch (RuntimeException e) {
      throw new CliException(what + " is not valid: " + firstLine(e));
    }
    requireCluster(parsed, what);
    try {
      return Config.fromKubeconfig(file.toFile());
    } catch (RuntimeException e) {
      throw new CliException(what + " is not valid: " + firstLine(e));
    }
  }

  /** The current context must exist and name a cluster with a server. */
  private static void requireCluster(io.fabric8.kubernetes.api.model.Config parsed, String what) {
    String current = parsed.getCurrentContext();
    if (current == null || current.isBlank()) {
      throw new CliException(what + " names no cluster: current-context is not set");
    }
    List<NamedContext> contexts = parsed.getContexts() == null ? List.of() : parsed.getContexts();
    NamedContext context = contexts.stream().filter(c -> current.equals(c.getName())).findFirst()
        .orElseThrow(() -> new CliException(what + " names no cluster: current-context '" + current
            + "' is not among its contexts"));
    String clusterName = context.getContext() == null ? null : context.getContext().getCluster();
    List<NamedCluster> clusters = parsed.getClusters() == null ? List.of() : parsed.getClusters();
    NamedCluster cluster = clusters.stream().filter(c -> c.getName().equals(clusterName)).findFirst()
        .orElseThrow(() -> new CliException(what + " names no cluster: context '" + current
            + "' refers to cluster '" + clusterName + "', which is not among its clusters"));
    if (cluster.getCluster() == null || cluster.getCluster().getServer() == null
        || cluster.getCluster().getServer().isBlank()) {
      throw new CliException(what + " names no cluster: cluster '" + clusterName + "' has no server");
    }
  }

  /**
   * Checks that the API server answers, with a short connect timeout and no retries, so an
   * unreachable or misconfigured cluster is one line within seconds; a server that accepted the
   * connection gets longer to answer. Any HTTP answer except 401 counts.
   *
   * @param config the configuration
   * @throws CliException naming the server and the cause
   */
  public static void requireReachable(Config config) {
    Config probe = new ConfigBuilder(config)
        .withConnectionTimeout((int) PROBE_CONNECT_TIMEOUT.toMillis())
        .withRequestTimeout((int) PROBE_ANSWER_TIMEOUT.toMillis())
        .withRequestRetryBackoffLimit(0)
        .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(probe).build()) {
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401) {
        throw new CliException("the Kubernetes API server at " + config.getMasterUrl()
            + " rejected the credentials (401 Unauthorized)");
      }
      if (e.getCode() <= 0) {
        throw new CliException("cannot reach the Kubernetes API server at " + config.getMasterUrl()
            + ": " + firstLine(rootCause(e)));
      }
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String firstLine(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : CliException.oneLine(e.getMessage());
  }
}
