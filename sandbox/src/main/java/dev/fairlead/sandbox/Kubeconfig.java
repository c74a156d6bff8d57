package dev.fairlead.sandbox;

/** The kubeconfig kubectl needs for the sandbox (plain HTTP, no credentials). */
final class Kubeconfig {
  /** Cluster, user and context name. */
  static final String NAME = "fairlead-sandbox";

  private Kubeconfig() {}

  static String text(String url) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: default
        current-context: %1$s
        preferences: {}
        """.formatted(NAME, url);
  }
}
