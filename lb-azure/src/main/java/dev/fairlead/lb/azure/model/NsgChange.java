package dev.fairlead.lb.azure.model;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/** One change a Service (or the node set) asks of the cluster's network security group. */
public sealed interface NsgChange {

  /**
   * What a Service needs admitted: for each key, its ports from its sources to its addresses (or,
   * with floating IP disabled, to the nodes on its node ports).
   *
   * @param protocol {@code Tcp} or {@code Udp}
   * @param sources the sources, sorted: one service tag or CIDRs
   * @param ports the destination ports, sorted
   * @param toNodes whether the destinations are the nodes rather than the Service's addresses
   */
  record Key(String protocol, List<String> sources, List<String> ports, boolean toNodes) {
    /** Copies. */
    public Key {
      Objects.requireNonNull(protocol, "protocol");
      sources = List.copyOf(sources);
      ports = List.copyOf(ports);
    }
  }

  /**
   * Puts a Service's admissions in place and removes its old ones.
   *
   * @param owner the Service's owner prefix (names its dedicated rules)
   * @param addresses the Service's frontend addresses
   * @param nodePorts the Service's node ports (its identity in rules to the nodes)
   * @param keys what to admit
   * @param dedicated whether the Service gets rules of its own instead of consolidated ones
   * @param nodes the node addresses, for rules to the nodes
   */
  record PutService(String owner, Set<String> addresses, Set<String> nodePorts, List<Key> keys, boolean dedicated,
      List<String> nodes) implements NsgChange {
    /** Copies. */
    public PutService {
      Objects.requireNonNull(owner, "owner");
      addresses = Set.copyOf(addresses);
      nodePorts = Set.copyOf(nodePorts);
      keys = List.copyOf(keys);
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * Removes everything a Service was admitted by.
   *
   * @param owner the Service's owner prefix
   * @param addresses its frontend addresses, as far as known
   * @param nodePorts its node ports, as far as known
   */
  record RemoveService(String owner, Set<String> addresses, Set<String> nodePorts) implements NsgChange {
    /** Copies. */
    public RemoveService {
      Objects.requireNonNull(owner, "owner");
      addresses = Set.copyOf(addresses);
      nodePorts = Set.copyOf(nodePorts);
    }
  }

  /**
   * Sets the node addresses of the rules to the nodes.
   *
   * @param nodes the node addresses
   */
  record SetNodes(List<String> nodes) implements NsgChange {
    /** Copies. */
    public SetNodes {
      nodes = List.copyOf(nodes);
    }
  }
}
