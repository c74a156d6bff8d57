package dev.fairlead.sandbox;

import dev.fairlead.lb.api.ProviderSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The infrastructure behind the sandbox's Nodes for a cloud provider: an emulator or simulator in
 * which the sandbox runs one instance per Node, and which the provider then talks to. Bare metal
 * needs none.
 *
 * <p>One implementation per cloud ({@link AwsSandboxCloud}, {@link GcpSandboxCloud}, {@link
 * AzureSandboxCloud}); {@link #forProvider} picks it. Closing it removes what it created (instances,
 * embedded simulators), so a sandbox leaves nothing behind.
 */
interface SandboxCloud extends AutoCloseable {

  /**
   * What the sandbox needs from the cloud once it is set up.
   *
   * @param instances one per Node, in order
   * @param settings the provider settings to run with: the user's, completed with what the cloud
   *     set-up decided (an endpoint, a network, a project)
   * @param environment variables for {@code cloud.env} beside the kubeconfig, so a shell can point
   *     the cloud's own CLI at the same endpoint; empty writes no file
   * @param hints lines for the sandbox's banner, such as how to list the load balancers
   */
  record Prepared(
      List<SandboxNodes.Instance> instances,
      ProviderSettings settings,
      Map<String, String> environment,
      List<String> hints) {
    /** Copies the collections. */
    public Prepared {
      instances = List.copyOf(instances);
      Objects.requireNonNull(settings, "settings");
      environment = Map.copyOf(environment);
      hints = List.copyOf(hints);
    }
  }

  /**
   * Sets up the cloud for a cluster and runs {@code nodes} instances in it.
   *
   * @param nodes how many instances, 0 allowed
   * @param cluster the cluster name
   * @return the instances and settings
   * @throws dev.fairlead.controller.cli.CliException if the cloud cannot be reached or refuses
   */
  Prepared prepare(int nodes, String cluster);

  /** Removes the instances and stops what this cloud started. Idempotent; never throws. */
  @Override
  void close();

  /**
   * The cloud for a provider, if it needs one.
   *
   * @param provider the provider's name
   * @param configured the user's provider settings
   * @param configFile the user's provider config file, if any
   * @param workDir a directory for the cloud's files (an emulator's log), beside the kubeconfig
   * @return the cloud, or empty for providers without one (bare metal, in-memory)
   */
  static Optional<SandboxCloud> forProvider(String provider, ProviderSettings configured, Path configFile,
      Path workDir) {
    return switch (provider) {
      case "aws" -> Optional.of(AwsSandboxCloud.create(configured, configFile, workDir));
      case "gcp" -> Optional.of(GcpSandboxCloud.create(configured, configFile));
      case "azure" -> Optional.of(AzureSandboxCloud.create(configured, configFile));
      default -> Optional.empty();
    };
  }
}
