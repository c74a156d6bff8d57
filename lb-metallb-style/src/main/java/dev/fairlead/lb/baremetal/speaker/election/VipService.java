package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * A LoadBalancer Service with addresses from an address pool.
 *
 * @param ref the Service
 * @param vips its {@code status.loadBalancer.ingress[].ip} values that lie in some pool
 * @param localTrafficPolicy {@code externalTrafficPolicy: Local}
 * @param readyEndpointNodes nodes with at least one ready endpoint of the Service
 */
public record VipService(
    ServiceRef ref, List<InetAddress> vips, boolean localTrafficPolicy, Set<String> readyEndpointNodes) {
  /** Copies the collections. */
  public VipService {
    vips = List.copyOf(vips);
    readyEndpointNodes = Set.copyOf(readyEndpointNodes);
  }
}
