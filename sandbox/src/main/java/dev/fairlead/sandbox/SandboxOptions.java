package dev.fairlead.sandbox;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run a sandbox.
 *
 * @param provider the provider name
 * @param providerConfig the provider's YAML settings, or null
 * @param nodes how many Nodes to seed
 * @param host the address the API listens on
 * @param port the API port (0: any free one)
 * @param kubeconfig where the kubeconfig goes
 * @param defaultPool whether to create the bare-metal IPAddressPool {@code sandbox}
 * @param metricsPort the port of the controller's /metrics, /healthz and /readyz; 0 picks a free
 *     one, -1 serves none
 */
public record SandboxOptions(String provider, Path providerConfig, int nodes, String host, int port,
    Path kubeconfig, boolean defaultPool, int metricsPort) {

  /** Validates. */
  public SandboxOptions {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    if (nodes < 0) {
      throw new IllegalArgumentException("nodes must not be negative");
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException("metricsPort must be -1 (none), 0 (any) or a port");
    }
  }

  /**
   * Options without a metrics endpoint.
   *
   * @param provider the provider name
   * @param providerConfig the provider's YAML settings, or null
   * @param nodes how many Nodes to seed
   * @param host the address the API listens on
   * @param port the API port (0: any free one)
   * @param kubeconfig where the kubeconfig goes
   * @param defaultPool whether to create the bare-metal IPAddressPool {@code sandbox}
   */
  public SandboxOptions(String provider, Path providerConfig, int nodes, String host, int port,
      Path kubeconfig, boolean defaultPool) {
    this(provider, providerConfig, nodes, host, port, kubeconfig, defaultPool, -1);
  }
}
