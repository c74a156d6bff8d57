package dev.fairlead.lb.api;

import java.io.Serial;

/**
 * Any other failure (API error, throttling, timeout, interruption). The controller retries with
 * exponential backoff and reports the message as a Warning event.
 */
public final class ProviderFailureException extends LoadBalancerException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying error, kept for logs; may be null
   */
  public ProviderFailureException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the exception without a cause.
   *
   * @param message what failed
   */
  public ProviderFailureException(String message) {
    super(message, null);
  }
}
