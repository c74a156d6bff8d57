package dev.fairlead.lb.tck;

import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.RetryLaterException;
import java.time.Duration;
import java.util.function.Supplier;

/** Polls within the limits of {@link TckSettings}; the only place the kit pauses. */
final class Waiting {
  private final Duration timeout;
  private final Duration interval;

  Waiting(TckSettings settings) {
    this.timeout = settings.convergenceTimeout();
    this.interval = settings.pollInterval();
  }

  /**
   * Runs {@code check} until it passes. Assertion failures and provider exceptions count as "not
   * yet"; the last one is reported when time runs out.
   */
  void eventually(String description, Runnable check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Throwable last;
      try {
        check.run();
        return;
      } catch (AssertionError | LoadBalancerException e) {
        last = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError(
            description + " (still failing after " + timeout + "): " + last.getMessage(), last);
      }
      pause(interval, deadline);
    }
  }

  /**
   * Runs {@code action} again while it answers {@link RetryLaterException}, honouring its delay;
   * every other outcome is returned or thrown at once.
   */
  <T> T retryingLater(String description, Supplier<T> action) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return action.get();
      } catch (RetryLaterException e) {
        if (System.nanoTime() - deadline >= 0) {
          throw new AssertionError(
              description + " still asks to retry later after " + timeout + ": " + e.getMessage(),
              e);
        }
        pause(e.retryAfter(), deadline);
      }
    }
  }

  private static void pause(Duration wanted, long deadline) {
    long nanos = Math.min(wanted.toNanos(), Math.max(0, deadline - System.nanoTime()));
    try {
      Thread.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the provider", e);
    }
  }
}
