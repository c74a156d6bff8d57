package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.ProviderFailureException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every AWS call of a provider goes through here: one shared token bucket, one shared adaptive
 * delay that grows with throttling errors and decays with successes (so throttling slows every
 * Service down, not just the request that saw it), retries that are safe, and one record per call
 * for the controller's metrics. The SDK's own retries are off, so each attempt is counted and no
 * create is ever repeated blindly.
 */
public final class CallGate {
  private static final Logger LOG = LoggerFactory.getLogger(CallGate.class);
  private static final Set<String> THROTTLING =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "RequestLimitExceeded",
          "TooManyRequestsException",
          "RequestThrottled",
          "SlowDown");
  private static final int MAX_ATTEMPTS = 8;
  private static final long MIN_THROTTLE_DELAY_NANOS = Duration.ofMillis(100).toNanos();

  /** How safe a call is to repeat after an unclear failure (timeout, 5xx, lost answer). */
  public enum Kind {
    /** Reads, deletes, registrations, tag writes: repeating does no harm. */
    IDEMPOTENT,
    /** Creates: a lost answer may hide a success, so the caller re-reads instead of repeating. */
    CREATE
  }

  /** A create whose outcome is unknown: the caller must look before trying again. */
  public static final class AmbiguousWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AmbiguousWriteException(String operation, Throwable cause) {
      super(operation + " may or may not have been applied: " + cause.getMessage(), cause);
    }
  }

  private final ApiCallListener listener;
  private final long intervalNanos;
  private final long burstNanos;
  private final long maxDelayNanos;
  private long nextFreeNanos;
  private volatile long throttleDelayNanos;

  /**
   * Creates the gate.
   *
   * @param listener receives one record per call
   * @param callsPerSecond sustained rate
   * @param maxThrottleDelay the cap of the shared delay
   */
  public CallGate(ApiCallListener listener, int callsPerSecond, Duration maxThrottleDelay) {
    this.listener = listener;
    this.intervalNanos = 1_000_000_000L / callsPerSecond;
    this.burstNanos = intervalNanos * Math.max(1, callsPerSecond);
    this.maxDelayNanos = maxThrottleDelay.toNanos();
    this.nextFreeNanos = System.nanoTime();
  }

  /**
   * The current shared throttling delay.
   *
   * @return the delay every call waits first
   */
  public Duration throttleDelay() {
    return Duration.ofNanos(throttleDelayNanos);
  }

  /**
   * Runs one AWS operation.
   *
   * @param operation the API name, such as {@code CreateListener}
   * @param kind whether it may be repeated after an unclear failure
   * @param call the SDK call
   * @param <T> the response type
   * @return the response
   * @throws AwsServiceException for service errors other than throttling (callers inspect codes)
   * @throws AmbiguousWriteException for a create with an unknown outcome
   * @throws ProviderFailureException when retries are exhausted or the thread is interrupted
   */
  public <T> T call(String operation, Kind kind, Supplier<T> call) {
    SdkException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      pause(attempt);
      long start = System.nanoTime();
      try {
        T result = call.get();
        record(operation, "ok", start);
        decay();
        return result;
      } catch (AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        record(operation, code == null ? Integer.toString(e.statusCode()) : code, start);
        last = e;
        if (code != null && THROTTLING.contains(code) || e.statusCode() == 429) {
          grow();
          continue; // a throttled request was not applied: repeating is always safe
        }
        if (e.statusCode() >= 500) {
          if (kind == Kind.CREATE) {
            throw new AmbiguousWriteException(operation, e);
          }
          continue;
        }
        throw e;
      } catch (SdkClientException e) {
        record(operation, "io", start);
        last = e;
        if (kind == Kind.CREATE) {
          throw new AmbiguousWriteException(operation, e);
        }
      }
    }
    throw new ProviderFailureException(
        operation + " failed after " + MAX_ATTEMPTS + " attempts: " + last.getMessage(), last);
  }

  private void pause(int attempt) {
    long waitNanos;
    synchronized (this) {
      long now = System.nanoTime();
      // Token bucket: up to one second of burst, then one call per interval.
      nextFreeNanos = Math.max(nextFreeNanos, now - burstNanos) + intervalNanos;
      waitNanos = Math.max(0, nextFreeNanos - now);
    }
    waitNanos += throttleDelayNanos;
    if (attempt > 1) {
      waitNanos += Math.min(maxDelayNanos, 50_000_000L << Math.min(attempt, 6));
    }
    if (waitNanos > 0) {
      try {
        Thread.sleep(Duration.ofNanos(waitNanos));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderFailureException("interrupted while waiting to call AWS", e);
      }
    }
  }

  private void grow() {
    long current = throttleDelayNanos;
    long next = Math.min(maxDelayNanos, Math.max(MIN_THROTTLE_DELAY_NANOS, current * 2));
    throttleDelayNanos = next;
    LOG.info("AWS throttles this provider: every call now waits {} ms first", next / 1_000_000);
  }

  private void decay() {
    long current = throttleDelayNanos;
    if (current > 0) {
      long next = current * 3 / 4;
      throttleDelayNanos = next < 5_000_000L ? 0 : next;
    }
  }

  private void record(String operation, String outcome, long startNanos) {
    listener.onCall(operation, outcome, Duration.ofNanos(System.nanoTime() - startNanos));
  }
}
