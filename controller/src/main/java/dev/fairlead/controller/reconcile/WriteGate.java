package dev.fairlead.controller.reconcile;

import java.io.Serial;

/**
 * Guards every write (to Kubernetes and to the provider) with the leadership state, so a replica
 * that lost its lease stops writing at once instead of at the end of its current reconcile.
 */
public final class WriteGate {
  private volatile boolean open;

  /** Thrown when a write is attempted without leadership. */
  public static final class NotLeaderException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    NotLeaderException() {
      super("not the leader: write suppressed", null, false, false);
    }
  }

  /**
   * Creates a gate.
   *
   * @param open whether writes are allowed from the start (true without leader election)
   */
  public WriteGate(boolean open) {
    this.open = open;
  }

  /**
   * Allows or stops writes.
   *
   * @param allowed the new state
   */
  public void set(boolean allowed) {
    this.open = allowed;
  }

  /**
   * Whether writes are allowed.
   *
   * @return true when leading
   */
  public boolean isOpen() {
    return open;
  }

  /**
   * Throws unless writes are allowed.
   *
   * @throws NotLeaderException if not
   */
  public void check() {
    if (!open) {
      throw new NotLeaderException();
    }
  }
}
