package dev.fairlead.lb.azure.internal;

import java.io.Serial;

/** A long-running operation ended {@code Failed} or {@code Canceled}. */
final class OperationFailedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;
  private final String status;
  private final String code;

  OperationFailedException(String operation, String status, String code, String message) {
    super(operation + " ended " + status + (code.isEmpty() ? "" : ": " + code) + (message.isEmpty() ? "" : ": " + message));
    this.status = status;
    this.code = code;
  }

  /** {@code Failed} or {@code Canceled}. */
  String status() {
    return status;
  }

  /** The error code, such as {@code CanceledAndSupersededDueToAnotherOperation}. */
  String code() {
    return code;
  }

  /** Whether another write replaced this one: the caller reads and merges again. */
  boolean superseded() {
    return status.equalsIgnoreCase("Canceled") || code.startsWith("CanceledAndSuperseded");
  }
}
