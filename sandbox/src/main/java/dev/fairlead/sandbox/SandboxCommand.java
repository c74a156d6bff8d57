package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.CliException;
import dev.fairlead.controller.cli.LoggingOptions;
import dev.fairlead.controller.cli.ProviderOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fairlead sandbox}: a local Kubernetes API with the real controller, for kubectl. */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run an embedded Kubernetes API with seeded Nodes and the real controller, until Ctrl-C.",
      "Point kubectl at the kubeconfig it writes, create a Service of type LoadBalancer and watch"
          + " it get an address.",
      "--provider defaults to baremetal (no external dependency); aws uses moto (started by the"
          + " sandbox when python3 -m moto.server exists, or the endpoint in --provider-config); gcp"
          + " or azure when installed.",
      "Configuration errors (bad flag, unknown provider, port taken) exit with code 2."
    })
public final class SandboxCommand implements Callable<Integer> {
  static final String DEFAULT_LISTEN = "127.0.0.1:6443";

  @Spec CommandSpec spec;

  @Mixin ProviderOptions provider;

  @Mixin LoggingOptions logging;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "3",
      description = "Nodes to seed, 0 allowed (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = DEFAULT_LISTEN,
      description = "Where the Kubernetes API listens (default: ${DEFAULT-VALUE}); port 0 picks a free one.")
  String listen;

  @Option(names = "--kubeconfig-out", paramLabel = "FILE",
      description = "Where to write the kubeconfig (default: ~/.fairlead/sandbox/kubeconfig).")
  Path kubeconfigOut;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
      description = "Serve the controller's /metrics, /healthz and /readyz on this port (0 picks a free"
          + " one; default: ${DEFAULT-VALUE}, none). The URL is printed in the banner.")
  int metricsPort;

  @Option(names = "--no-default-pool",
      description = "baremetal: do not create the IPAddressPool 'sandbox' (198.51.100.0/24, 2001:db8::/112).")
  boolean noDefaultPool;

  @Override
  public Integer call() throws InterruptedException {
    if (nodes < 0 || nodes > 1000) {
      throw new CliException("--nodes must be between 0 and 1000, got " + nodes);
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new CliException("--metrics-port must be -1 (none), 0 (a free port) or a port number, got "
          + metricsPort);
    }
    logging.apply();
    HostPort address = HostPort.parse(listen);
    Path kubeconfig = kubeconfigOut != null ? kubeconfigOut
        : Path.of(System.getProperty("user.home"), ".fairlead", "sandbox", "kubeconfig");
    SandboxOptions options = new SandboxOptions(provider.name(Sandbox.BAREMETAL), provider.configFile(),
        nodes, address.host(), address.port(), kubeconfig, !noDefaultPool, metricsPort);
    PrintWriter out = spec.commandLine().getOut();
    Sandbox sandbox = Sandbox.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sandbox.close();
      stopped.countDown();
    }, "sandbox-shutdown"));
    Path example = writeExample(sandbox.kubeconfig().resolveSibling("example-service.yaml"));
    out.println(banner(sandbox, options, example));
    out.flush();
    stopped.await();
    return 0;
  }

  static String banner(Sandbox sandbox, SandboxOptions options, Path example) {
    String kubeconfig = sandbox.kubeconfig().toString();
    StringBuilder b = new StringBuilder();
    b.append("Fairlead sandbox is running: Kubernetes API at ").append(sandbox.api().url())
        .append(", provider ").append(options.provider()).append(", ").append(options.nodes())
        .append(options.nodes() == 1 ? " node" : " nodes");
    if (options.provider().equals(Sandbox.BAREMETAL)) {
      b.append(options.defaultPool() ? ", IPAddressPool 'sandbox' (198.51.100.0/24, 2001:db8::/112)"
          : ", no IPAddressPool yet (create one: kubectl apply -f <pool.yaml>)");
    }
    b.append(".\nKubeconfig written to ").append(kubeconfig);
    sandbox.metricsUrl().ifPresent(url -> b.append("\nController metrics at ").append(url));
    b.append("\n\nTry:\n")
        .append("  export KUBECONFIG=").append(kubeconfig).append('\n')
        .append("  kubectl get nodes\n")
        .append("  kubectl apply -f ").append(example).append('\n')
        .append("  kubectl get svc -w            # EXTERNAL-IP goes from <pending> to an address\n")
        .append("  kubectl describe svc hello    # events: EnsuringLoadBalancer, EnsuredLoadBalancer\n")
        .append("  kubectl delete svc hello\n");
    if (options.provider().equals(Sandbox.BAREMETAL)) {
      b.append("  kubectl get ipaddresspools\n");
    }
    sandbox.cloudEnv().ifPresent(env -> b.append("\nThe ").append(options.provider())
        .append(" cloud behind the Nodes: source ").append(env).append(" first, then\n"));
    sandbox.cloudHints().forEach(h -> b.append("  ").append(h).append('\n'));
    b.append("\nPress Ctrl-C to stop.");
    return b.toString();
  }

  private static Path writeExample(Path file) {
    try (InputStream in = SandboxCommand.class.getClassLoader().getResourceAsStream("examples/sandbox-service.yaml")) {
      if (in == null) {
        throw new IllegalStateException("examples/sandbox-service.yaml is missing from the sandbox jar");
      }
      Files.write(file, in.readAllBytes());
      return file;
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage());
    }
  }

  /**
   * {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code :PORT}.
   *
   * @param host the host
   * @param port the port
   */
  record HostPort(String host, int port) {
    static HostPort parse(String text) {
      String host;
      String port;
      if (text.startsWith("[")) {
        int end = text.indexOf("]:");
        if (end < 0) {
          throw new CliException("--listen '" + text + "' must look like HOST:PORT, e.g. 127.0.0.1:6443 or [::1]:6443");
        }
        host = text.substring(1, end);
        port = text.substring(end + 2);
      } else {
        int colon = text.lastIndexOf(':');
        if (colon < 0 || text.indexOf(':') != colon) {
          throw new CliException("--listen '" + text + "' must look like HOST:PORT, e.g. 127.0.0.1:6443 or [::1]:6443");
        }
        host = colon == 0 ? "127.0.0.1" : text.substring(0, colon);
        port = text.substring(colon + 1);
      }
      int number;
      try {
        number = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new CliException("--listen '" + text + "': '" + port + "' is not a port number");
      }
      if (number < 0 || number > 65535) {
        throw new CliException("--listen '" + text + "': port must be between 0 and 65535");
      }
      return new HostPort(host, number);
    }
  }
}
