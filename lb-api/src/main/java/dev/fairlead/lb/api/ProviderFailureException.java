package dev.fairlead.lb.api;

import java.io.Serial;

/**
 * Any other failure (API error, throttling, timeout, interruption). The controller retries with
 * exponential backoff and reports the message as a Warning event.
 *
 * <p>A failure the user must fix outside the Service's spec (a certificate or subnet that does not
 * exist, a setting the cloud rejected) is a {@linkplain #userError user error}: still retried with
 * backoff, because the user may fix it without touching the Service, but reported as one Warning and
 * one log line, without a stack trace, since the message says everything.
 */
public final class ProviderFailureException extends LoadBalancerException {
  @Serial private static final long serialVersionUID = 1L;
  private final boolean userError;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying error, kept for logs; may be null
   */
  public ProviderFailureException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private ProviderFailureException(String message, Throwable cause, boolean userError) {
    super(message, cause);
    this.userError = userError;
  }

  /**
   * A failure the user must fix (see the class comment); the message must name what is wrong and
   * where, such as {@code service.beta.kubernetes.io/aws-load-balancer-ssl-cert: certificate
   * arn:... does not exist}.
   *
   * @param message what is wrong
   * @return the exception
   */
  public static ProviderFailureException userError(String message) {
    return new ProviderFailureException(message, null, true);
  }

  /**
   * Whether this is a failure the user must fix, reported without a stack trace.
   *
   * @return true for {@link #userError}
   */
  public boolean isUserError() {
    return userError;
  }

  /**
   * Creates the exception without a cause.
   *
   * @param message what failed
   */
  public ProviderFailureException(String message) {
    this(message, null, false);
  }
}
