package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.ServiceKey;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a Service asks of the address pools.
 *
 * @param service the Service
 * @param labels the Service's labels, for pool selectors
 * @param families the IP families, primary first: one address per family
 * @param requested specific addresses asked for, or empty
 * @param pool a pool asked for by name, or empty
 * @param sharingKey Services with the same key may share an address, or empty
 * @param ports the Service's ports as {@code port/PROTOCOL}; sharing Services may not clash
 * @param backendKey Services sharing an address must have the same backend key (the pod selector
 *     for {@code externalTrafficPolicy: Local}, empty otherwise), so one node can serve them all
 */
public record AllocationRequest(
    ServiceKey service,
    Map<String, String> labels,
    List<IpFamily> families,
    List<InetAddress> requested,
    Optional<String> pool,
    Optional<String> sharingKey,
    Set<String> ports,
    String backendKey) {

  /** Validates and copies. */
  public AllocationRequest {
    Objects.requireNonNull(service, "service");
    labels = Map.copyOf(labels);
    families = List.copyOf(families);
    requested = List.copyOf(requested);
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(sharingKey, "sharingKey");
    ports = Set.copyOf(ports);
    Objects.requireNonNull(backendKey, "backendKey");
  }
}
