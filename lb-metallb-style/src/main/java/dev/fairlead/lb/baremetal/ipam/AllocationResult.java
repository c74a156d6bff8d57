package dev.fairlead.lb.baremetal.ipam;

import java.net.InetAddress;
import java.util.List;

/** The outcome of an allocation. */
public sealed interface AllocationResult {

  /**
   * The Service holds these addresses.
   *
   * @param addresses one per requested family, in family order
   * @param pools the pool of each address ({@code ""} if it was restored outside every pool)
   */
  record Allocated(List<InetAddress> addresses, List<String> pools) implements AllocationResult {
    /** Copies. */
    public Allocated {
      addresses = List.copyOf(addresses);
      pools = List.copyOf(pools);
    }
  }

  /**
   * No address could be given; nothing changed.
   *
   * @param reason the cause, for the Warning event
   * @param mayResolveItself true if another Service releasing an address may fix it (pool
   *     exhausted, requested address taken), false if only a change to the Service or the pools can
   */
  record Unavailable(String reason, boolean mayResolveItself) implements AllocationResult {}
}
