package dev.fairlead.lb.azure.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A security rule of the cluster's network security group, with the fields the provider manages.
 *
 * @param name its name
 * @param direction {@code Inbound} or {@code Outbound}
 * @param priority 100 to 4096, unique per direction
 * @param protocol {@code Tcp}, {@code Udp}, ...
 * @param sources the source prefixes (one service tag, or CIDRs), sorted
 * @param ports the destination ports, sorted
 * @param destinations the destination addresses, sorted
 * @param description the description; the provider marks its own rules there
 */
public record SecurityRule(
    String name,
    String direction,
    int priority,
    String protocol,
    List<String> sources,
    List<String> ports,
    List<String> destinations,
    Optional<String> description) {

  /** Copies. */
  public SecurityRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(protocol, "protocol");
    sources = List.copyOf(sources);
    ports = List.copyOf(ports);
    destinations = List.copyOf(destinations);
    Objects.requireNonNull(description, "description");
  }

  /**
   * The marker the provider writes into the description of the consolidated rules of a cluster.
   *
   * @param cluster the cluster name
   * @return the description
   */
  public static String marker(String cluster) {
    return "fairlead: consolidated load-balancer rule of cluster " + cluster;
  }

  /**
   * The same rule with other destinations.
   *
   * @param newDestinations sorted addresses
   * @return the copy
   */
  public SecurityRule withDestinations(List<String> newDestinations) {
    return new SecurityRule(name, direction, priority, protocol, sources, ports, newDestinations, description);
  }

  /**
   * The same rule with other ports.
   *
   * @param newPorts sorted ports
   * @return the copy
   */
  public SecurityRule withPorts(List<String> newPorts) {
    return new SecurityRule(name, direction, priority, protocol, sources, newPorts, destinations, description);
  }
}
