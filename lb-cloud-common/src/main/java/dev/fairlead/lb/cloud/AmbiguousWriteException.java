package dev.fairlead.lb.cloud;

/**
 * A {@link CallKind#CREATE} whose outcome is unknown (a 5xx, a timeout, a dropped response): the
 * resource may or may not exist now. The caller must look (by its deterministic name) before it
 * tries again; the gate never repeats such a call blindly.
 */
public final class AmbiguousWriteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param operation the API operation
   * @param cause what the SDK threw
   */
  public AmbiguousWriteException(String operation, Throwable cause) {
    super(operation + " may or may not have been applied: " + cause.getMessage(), cause);
  }
}
