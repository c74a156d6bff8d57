package dev.fairlead.lb.api;

/**
 * The Service's {@code externalTrafficPolicy}. Only {@link Local} has a health-check node port,
 * so an illegal combination cannot be expressed.
 */
public sealed interface TrafficPolicy {

  /** Any node forwards to any endpoint; the load balancer may health-check the traffic port. */
  record Cluster() implements TrafficPolicy {}

  /**
   * Only nodes with a ready endpoint accept traffic; kube-proxy answers {@code GET /healthz} on
   * {@code healthCheckNodePort} with 200 exactly on those nodes.
   *
   * @param healthCheckNodePort the Service's {@code healthCheckNodePort}, 1 to 65535
   */
  record Local(int healthCheckNodePort) implements TrafficPolicy {
    /** Validates the port. */
    public Local {
      if (healthCheckNodePort < 1 || healthCheckNodePort > 65535) {
        throw new IllegalArgumentException(
            "healthCheckNodePort " + healthCheckNodePort + " is outside 1-65535");
      }
    }
  }
}
