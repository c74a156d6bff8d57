package dev.fairlead.lb.cloud;

/** How a call may be repeated after an unclear failure, and which throttling lane it waits in. */
public enum CallKind {
  /** A read: always safe to repeat; waits in the read lane. */
  READ,
  /**
   * A write whose repetition does no harm (a PUT of a whole resource, a delete, an add/remove of a
   * member, a tag write); waits in the write lane.
   */
  WRITE,
  /**
   * A create whose lost answer may hide a success: after a timeout, a 5xx or a dropped response the
   * gate does not repeat it but throws {@link AmbiguousWriteException}, and the caller looks before
   * trying again. Waits in the write lane.
   */
  CREATE;

  /**
   * Whether this kind waits in the write lane.
   *
   * @return true for {@link #WRITE} and {@link #CREATE}
   */
  public boolean isWrite() {
    return this != READ;
  }
}
