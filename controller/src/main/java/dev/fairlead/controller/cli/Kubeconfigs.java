package dev.fairlead.controller.cli;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads {@code --kubeconfig} for every subcommand, with one-line errors and no cluster contact. */
public final class Kubeconfigs {
  private Kubeconfigs() {}

  /**
   * The client configuration from a kubeconfig file, or the usual defaults (in-cluster, then
   * {@code $KUBECONFIG} or {@code ~/.kube/config}) when none is given.
   *
   * @param kubeconfig the file, or null
   * @return the configuration
   * @throws CliException naming the file if it is missing, unreadable or invalid
   */
  public static Config load(Path kubeconfig) {
    if (kubeconfig == null) {
      return Config.autoConfigure(null);
    }
    String content;
    try {
      content = Files.readString(kubeconfig);
    } catch (NoSuchFileException e) {
      throw new CliException("kubeconfig " + kubeconfig + " does not exist");
    } catch (IOException e) {
      throw new CliException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage());
    }
    try {
      return Config.fromKubeconfig(content);
    } catch (RuntimeException e) {
      throw new CliException("kubeconfig " + kubeconfig + " is not valid: " + e.getMessage());
    }
  }
}
