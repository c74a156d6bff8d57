package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import java.util.Objects;

/**
 * A load balancer as it exists in an {@link InMemoryCloud}.
 *
 * @param spec the spec of the last successful {@code ensure} or {@code updateBackends}
 * @param status the status clients use
 */
public record StoredLoadBalancer(LoadBalancerSpec spec, LoadBalancerStatus status) {

  /** Validates. */
  public StoredLoadBalancer {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(status, "status");
  }
}
