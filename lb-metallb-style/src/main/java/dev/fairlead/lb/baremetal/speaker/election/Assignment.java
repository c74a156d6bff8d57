package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The election's outcome for one VIP.
 *
 * @param vip the address
 * @param owner the node that answers for it, or empty when no node qualifies
 * @param services the Services that use it (several when the address is shared)
 * @param candidates the qualifying nodes, best first
 * @param interfaces the interfaces the owner announces on (from the L2Advertisements that allow
 *     it); empty means every interface its speaker uses
 */
public record Assignment(InetAddress vip, Optional<String> owner, List<ServiceRef> services,
    List<String> candidates, Set<String> interfaces) {
  /** Copies the collections. */
  public Assignment {
    services = List.copyOf(services);
    candidates = List.copyOf(candidates);
    interfaces = Set.copyOf(interfaces);
  }
}
