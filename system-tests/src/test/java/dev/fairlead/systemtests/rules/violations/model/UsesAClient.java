package dev.fairlead.systemtests.rules.violations.model;

import io.fabric8.kubernetes.client.KubernetesClient;

/** A deliberate violation: a class in a {@code model} package that reads through a client. */
public final class UsesAClient {
  private UsesAClient() {}

  /**
   * Reads the namespace the client is configured for.
   *
   * @param client a client
   * @return its namespace
   */
  public static String namespace(KubernetesClient client) {
    return client.getNamespace();
  }
}
