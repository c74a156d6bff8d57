package dev.fairlead.lb.api;

import java.io.Serial;

/**
 * The Service asks for something this provider cannot do, or an annotation value is invalid. Thrown
 * before any side effect; the controller reports the message as a Warning event on the Service and
 * does not retry until the Service changes.
 */
public final class UnsupportedFeatureException extends LoadBalancerException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the field or annotation and says what is wrong
   */
  public UnsupportedFeatureException(String message) {
    super(message, null);
  }
}
