package dev.fairlead.lb.api;

import java.io.Serial;

/**
 * A provider operation did not succeed. The sealed subtypes tell the controller what to do next,
 * and the controller's handling is checked exhaustive by the compiler:
 *
 * <ul>
 *   <li>{@link RetryLaterException}: try again after a fixed delay (still provisioning);
 *   <li>{@link UnsupportedFeatureException}: the Service asks for something impossible; nothing was
 *       changed, and there is no retry until the Service changes;
 *   <li>{@link ProviderFailureException}: anything else; retry with exponential backoff.
 * </ul>
 */
public abstract sealed class LoadBalancerException extends RuntimeException
    permits RetryLaterException, UnsupportedFeatureException, ProviderFailureException {
  @Serial private static final long serialVersionUID = 1L;

  LoadBalancerException(String message, Throwable cause) {
    super(message, cause);
  }
}
