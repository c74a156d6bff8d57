package dev.fairlead.lb.gcp.model;

import java.io.Serial;

/** A Service asks for something the gcp provider cannot build; the message names the field or annotation. */
public final class InvalidServiceException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the field or annotation and what is wrong
   */
  public InvalidServiceException(String message) {
    super(message);
  }
}
