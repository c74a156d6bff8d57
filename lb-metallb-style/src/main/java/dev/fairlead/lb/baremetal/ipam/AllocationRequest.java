package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.ServiceKey;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Service asks of the address pools.
 *
 * @param service the Service
 * @param labels the Service's labels, for pool selectors
 * @param families the IP families, primary first: one address per family
 * @param requested specific addresses asked for, or empty
 * @param pool a pool asked for by name, or empty
 * @param sharing the terms on which it shares an address, or empty if it shares none
 */
public record AllocationRequest(
    ServiceKey service,
    Map<String, String> labels,
    List<IpFamily> families,
    List<InetAddress> requested,
    Optional<String> pool,
    Optional<Sharing> sharing) {

  /** Validates and copies. */
  public AllocationRequest {
    Objects.requireNonNull(service, "service");
    labels = Map.copyOf(labels);
    families = List.copyOf(families);
    requested = List.copyOf(requested);
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(sharing, "sharing");
  }
}
