package dev.fairlead.lb.baremetal.ipam;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/** The outcome of an allocation. */
public sealed interface AllocationResult {

  /**
   * The Service holds these addresses.
   *
   * @param addresses one per requested family, in family order
   * @param pools the pool of each address ({@code ""} if it was restored outside every pool)
   * @param notes what the Service should be told although it got addresses (a shared address it
   *     could not share, and why); empty normally
   */
  record Allocated(List<InetAddress> addresses, List<String> pools, List<String> notes)
      implements AllocationResult {
    /** Copies. */
    public Allocated {
      addresses = List.copyOf(addresses);
      pools = List.copyOf(pools);
      notes = List.copyOf(notes);
    }

    /**
     * An allocation with nothing to tell.
     *
     * @param addresses the addresses
     * @param pools their pools
     */
    public Allocated(List<InetAddress> addresses, List<String> pools) {
      this(addresses, pools, List.of());
    }
  }

  /**
   * No address could be given; nothing changed.
   *
   * @param reason the cause, for the Warning event; names what to change
   * @param retry what may resolve it
   */
  record Unavailable(String reason, Retry retry) implements AllocationResult {
    /** Validates. */
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(retry, "retry");
    }
  }

  /** What may resolve an {@link Unavailable}. */
  enum Retry {
    /** Another Service releasing an address (pool exhausted, requested address taken). */
    WHEN_ADDRESSES_FREE,
    /** Only a change to the pools or to the Service (no such pool, no range of that family). */
    WHEN_POOLS_OR_SERVICE_CHANGE
  }
}
