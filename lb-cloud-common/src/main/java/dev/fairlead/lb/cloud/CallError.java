package dev.fairlead.lb.cloud;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link ErrorClassifier} says about one failed call. The {@code outcome} is the short code
 * recorded in the call metrics ({@code Throttling}, {@code 503}, {@code notFound}, {@code io}).
 */
public sealed interface CallError {

  /**
   * The short code for metrics and logs.
   *
   * @return the outcome
   */
  String outcome();

  /**
   * The API refused the call for rate or quota reasons and did not apply it: repeating is always
   * safe, and every call in the same lane waits first.
   *
   * @param outcome the code
   * @param retryAfter the server's {@code Retry-After}, if it sent one
   */
  record Throttled(String outcome, Optional<Duration> retryAfter) implements CallError {
    /** Checks the arguments. */
    public Throttled {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  /**
   * The outcome is unknown or the service had a passing problem (5xx, timeout, connection lost,
   * response dropped): reads and idempotent writes are repeated, creates become ambiguous.
   *
   * @param outcome the code
   */
  record Transient(String outcome) implements CallError {
    /** Checks the argument. */
    public Transient {
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * Anything else (not found, conflict, invalid argument, permission): returned to the caller
   * unchanged, which inspects it.
   *
   * @param outcome the code
   */
  record Permanent(String outcome) implements CallError {
    /** Checks the argument. */
    public Permanent {
      Objects.requireNonNull(outcome, "outcome");
    }
  }
}
