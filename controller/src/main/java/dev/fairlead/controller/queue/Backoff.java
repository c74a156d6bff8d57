package dev.fairlead.controller.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential per-key backoff: {@code base × 2^(failures−1)}, capped. The controller uses the
 * upstream service controller's 5 s → 300 s.
 *
 * @param base the delay after the first failure
 * @param cap the longest delay
 */
public record Backoff(Duration base, Duration cap) {

  /** The upstream service controller's backoff, 5 s to 300 s. */
  public static final Backoff UPSTREAM = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));

  /** Validates. */
  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap");
    }
  }

  /**
   * The delay after a number of consecutive failures.
   *
   * @param failures consecutive failures, at least 1
   * @return the delay
   */
  public Duration delay(int failures) {
    int doublings = Math.clamp(failures - 1L, 0, 30);
    Duration delay = base.multipliedBy(1L << doublings);
    return delay.compareTo(cap) > 0 ? cap : delay;
  }
}
