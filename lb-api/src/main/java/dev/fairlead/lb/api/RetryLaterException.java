package dev.fairlead.lb.api;

import java.io.Serial;
import java.time.Duration;
import java.util.Objects;

/**
 * The operation is progressing but not finished (a load balancer still provisioning): the
 * controller tries again after {@link #retryAfter()}, without exponential backoff.
 */
public final class RetryLaterException extends LoadBalancerException {
  @Serial private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param message what is still in progress
   * @param retryAfter when to try again; positive
   */
  public RetryLaterException(String message, Duration retryAfter) {
    super(message, null);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter must be positive");
    }
    this.retryAfter = retryAfter;
  }

  /**
   * When to try again.
   *
   * @return the delay
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
