package dev.fairlead.controller.cli;

import java.io.Serial;

/** A configuration error reported as one line and a non-zero exit, before touching the cluster. */
public final class CliException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the line to print
   */
  public CliException(String message) {
    super(message);
  }
}
