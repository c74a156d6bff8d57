package dev.fairlead.lb.api;

import java.util.Map;

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
   * @param podSelector the Service's {@code spec.selector}: the pods whose nodes get traffic (two
   *     Local Services reach the same nodes only if they select the same pods); empty if unknown
   */
  record Local(int healthCheckNodePort, Map<String, String> podSelector) implements TrafficPolicy {
    /** Validates the port and copies the selector. */
    public Local {
      if (healthCheckNodePort < 1 || healthCheckNodePort > 65535) {
        throw new IllegalArgumentException(
            "healthCheckNodePort " + healthCheckNodePort + " is outside 1-65535");
      }
      podSelector = Map.copyOf(podSelector);
    }

    /**
     * Local traffic with no known pod selector.
     *
     * @param healthCheckNodePort the Service's {@code healthCheckNodePort}, 1 to 65535
     */
    public Local(int healthCheckNodePort) {
      this(healthCheckNodePort, Map.of());
    }
  }
}
