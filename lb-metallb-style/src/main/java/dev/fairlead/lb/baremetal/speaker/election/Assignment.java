package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The election's outcome for one VIP.
 *
 * @param vip the address
 * @param owner the node that answers for it, or empty when no node qualifies
 * @param services the Services that use it (several when the address is shared)
 * @param candidates the qualifying nodes, best first
 */
public record Assignment(
    InetAddress vip, Optional<String> owner, List<ServiceRef> services, List<String> candidates) {
  /** Copies the lists. */
  public Assignment {
    services = List.copyOf(services);
    candidates = List.copyOf(candidates);
  }
}
