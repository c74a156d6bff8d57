package dev.fairlead.controller.cli;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --kubeconfig}, shared by every subcommand that talks to a cluster (a picocli mixin). */
public final class KubeconfigOption {
  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig to use. Default: $KUBECONFIG, else ~/.kube/config, else the pod's"
          + " service account.")
  Path kubeconfig;

  /** Used by picocli. */
  public KubeconfigOption() {}

  /**
   * The checked configuration, without contacting the cluster.
   *
   * @return the configuration
   * @throws CliException if there is none or it is invalid
   */
  public Config config() {
    return Kubeconfigs.load(kubeconfig);
  }
}
