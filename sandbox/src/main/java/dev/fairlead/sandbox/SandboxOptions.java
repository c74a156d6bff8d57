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
 */
public record SandboxOptions(String provider, Path providerConfig, int nodes, String host, int port,
    Path kubeconfig, boolean defaultPool) {

  /** Validates. */
  public SandboxOptions {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    if (nodes < 0) {
      throw new IllegalArgumentException("nodes must not be negative");
    }
  }
}
