package dev.fairlead.lb.azure.model;

import java.util.List;
import java.util.Objects;

/** One change a Service (or the node set) asks of a shared load balancer. */
public sealed interface LbChange {

  /**
   * Replaces everything the part's owner has in the load balancer with the part.
   *
   * @param part the Service's part
   */
  record PutPart(LbPart part) implements LbChange {
    /** Checks. */
    public PutPart {
      Objects.requireNonNull(part, "part");
    }
  }

  /**
   * Removes everything an owner has in the load balancer.
   *
   * @param owner the owner prefix
   */
  record RemovePart(String owner) implements LbChange {
    /** Checks. */
    public RemovePart {
      Objects.requireNonNull(owner, "owner");
    }
  }

  /**
   * Sets the members of the shared backend pool: the nodes.
   *
   * @param addresses the members, sorted by name
   */
  record SetBackends(List<LbDocument.PoolAddress> addresses) implements LbChange {
    /** Copies. */
    public SetBackends {
      addresses = List.copyOf(addresses);
    }
  }
}
