package dev.fairlead.lb.cloud;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.ProviderFailureException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BlockingBucket;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every cloud API call of a provider goes through one gate.
 *
 * <ul>
 *   <li>One token bucket for the provider's sustained rate (bursts up to one second's worth).
 *   <li>Two lanes, reads and writes, each with a shared throttling delay that doubles with every
 *       throttled call and decays with successes, and a pause until the latest {@code Retry-After}
 *       the cloud sent: throttling slows every Service of the lane down together, not only the
 *       request that saw it (Azure throttles reads and writes of a subscription separately; the
 *       others do no harm by it).
 *   <li>Retries only where repeating is safe: throttled calls always (they were not applied),
 *       reads and idempotent writes after transient failures, creates never (they become {@link
 *       AmbiguousWriteException}, and the caller looks first).
 *   <li>One {@link ApiCallListener} record per attempt, so metrics and call budgets count what the
 *       cloud really saw.
 * </ul>
 *
 * <p>The retry loop is written here rather than taken from a retry library because its two
 * essential properties, a delay shared by all callers of a lane and the refusal to repeat an
 * ambiguous create, are not what those libraries model; the rate limit is bucket4j's.
 *
 * <p>Thread-safe. SDK-specific knowledge lives only in the {@link ErrorClassifier}; the SDK's own
 * retries should be off so each attempt is seen and counted here.
 */
public final class CallGate {
  private static final Logger LOG = LoggerFactory.getLogger(CallGate.class);
  private static final long MIN_THROTTLE_DELAY_NANOS = Duration.ofMillis(100).toNanos();
  private static final long FIRST_RETRY_NANOS = Duration.ofMillis(100).toNanos();

  /** Measures time; {@link #SYSTEM} in production, a fake in tests. */
  public interface Ticker {
    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /**
     * A monotonic reading.
     *
     * @return nanoseconds from an arbitrary origin
     */
    long nanoTime();
  }

  /** Waits; {@link #SYSTEM} in production, one that advances a fake {@link Ticker} in tests. */
  public interface Sleeper {
    /** {@link Thread#sleep(Duration)}. */
    Sleeper SYSTEM = Thread::sleep;

    /**
     * Waits.
     *
     * @param duration how long
     * @throws InterruptedException if interrupted
     */
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * How a gate behaves.
   *
   * @param cloud a short name for logs and failure messages, such as {@code Compute}
   * @param callsPerSecond the sustained rate, at least 1
   * @param maxThrottleDelay the cap of the shared delay and of a single backoff
   * @param maxAttempts attempts per call, at least 1
   */
  public record Settings(String cloud, int callsPerSecond, Duration maxThrottleDelay, int maxAttempts) {
    /** Checks the values. */
    public Settings {
      Objects.requireNonNull(cloud, "cloud");
      if (callsPerSecond < 1) {
        throw new IllegalArgumentException("callsPerSecond must be at least 1, got " + callsPerSecond);
      }
      if (maxThrottleDelay.isNegative() || maxThrottleDelay.isZero()) {
        throw new IllegalArgumentException("maxThrottleDelay must be positive");
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
    }

    /**
     * The defaults for a cloud: 8 attempts, throttling delay capped at 30 s.
     *
     * @param cloud the cloud's short name
     * @param callsPerSecond the sustained rate
     * @return the settings
     */
    public static Settings of(String cloud, int callsPerSecond) {
      return new Settings(cloud, callsPerSecond, Duration.ofSeconds(30), 8);
    }
  }

  /** One lane's shared state: the adaptive delay and the Retry-After pause. */
  private static final class Lane {
    private final String name;
    private long delayNanos;
    private long pausedUntilNanos;

    Lane(String name) {
      this.name = name;
    }
  }

  private final Settings settings;
  private final ApiCallListener listener;
  private final ErrorClassifier classifier;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final BlockingBucket bucket;
  private final Lane reads = new Lane("reads");
  private final Lane writes = new Lane("writes");

  /**
   * A gate on the system clock.
   *
   * @param settings how it behaves
   * @param listener receives one record per attempt
   * @param classifier classifies the SDK's exceptions
   */
  public CallGate(Settings settings, ApiCallListener listener, ErrorClassifier classifier) {
    this(settings, listener, classifier, Ticker.SYSTEM, Sleeper.SYSTEM);
  }

  /**
   * A gate with its own time source, for tests.
   *
   * @param settings how it behaves
   * @param listener receives one record per attempt
   * @param classifier classifies the SDK's exceptions
   * @param ticker the time source
   * @param sleeper how to wait; it must advance {@code ticker}
   */
  public CallGate(
      Settings settings,
      ApiCallListener listener,
      ErrorClassifier classifier,
      Ticker ticker,
      Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    TimeMeter meter =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return ticker.nanoTime();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        };
    this.bucket =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(settings.callsPerSecond())
                    .refillGreedy(settings.callsPerSecond(), Duration.ofSeconds(1))
                    .build())
            .withCustomTimePrecision(meter)
            .build()
            .asBlocking();
  }

  /**
   * Runs one API operation.
   *
   * @param operation the API operation's name, such as {@code forwardingRules.insert}
   * @param kind how it may be repeated, and its lane
   * @param call the SDK call
   * @param <T> the response type
   * @return the response
   * @throws RuntimeException the SDK's own exception for {@link CallError.Permanent} errors, so the
   *     caller can inspect it (not found, conflict, ...)
   * @throws AmbiguousWriteException for a {@link CallKind#CREATE} with an unknown outcome
   * @throws ProviderFailureException when attempts are exhausted or the thread is interrupted
   */
  public <T> T call(String operation, CallKind kind, Supplier<T> call) {
    Objects.requireNonNull(operation, "operation");
    Lane lane = kind.isWrite() ? writes : reads;
    RuntimeException last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      waitForTurn(lane, attempt);
      long start = ticker.nanoTime();
      try {
        T result = call.get();
        record(operation, "ok", start);
        succeeded(lane);
        return result;
      } catch (RuntimeException e) {
        CallError error = classifier.classify(e);
        record(operation, error.outcome(), start);
        last = e;
        switch (error) {
          case CallError.Throttled throttled -> throttled(lane, throttled, operation);
          case CallError.Transient ignored -> {
            if (kind == CallKind.CREATE) {
              throw new AmbiguousWriteException(operation, e);
            }
          }
          case CallError.Permanent ignored -> throw e;
        }
      }
    }
    throw new ProviderFailureException(
        operation
            + " failed after "
            + settings.maxAttempts()
            + " attempts: "
            + (last == null ? "no answer" : last.getMessage()),
        last);
  }

  /**
   * Runs one API operation without a result.
   *
   * @param operation the API operation's name
   * @param kind how it may be repeated, and its lane
   * @param call the SDK call
   * @see #call(String, CallKind, Supplier)
   */
  public void run(String operation, CallKind kind, Runnable call) {
    call(
        operation,
        kind,
        () -> {
          call.run();
          return null;
        });
  }

  /**
   * The current shared throttling delay of a lane (for tests and diagnostics).
   *
   * @param kind a kind of the lane
   * @return the delay every call of that lane waits first
   */
  public Duration throttleDelay(CallKind kind) {
    Lane lane = kind.isWrite() ? writes : reads;
    synchronized (lane) {
      return Duration.ofNanos(lane.delayNanos);
    }
  }

  private void waitForTurn(Lane lane, int attempt) {
    try {
      bucket.consume(1, nanos -> sleeper.sleep(Duration.ofNanos(nanos)));
      long waitNanos;
      synchronized (lane) {
        waitNanos = Math.max(0, lane.pausedUntilNanos - ticker.nanoTime()) + lane.delayNanos;
      }
      if (attempt > 1) {
        long backoff = FIRST_RETRY_NANOS << Math.min(attempt - 2, 10);
        waitNanos += Math.min(settings.maxThrottleDelay().toNanos(), backoff);
      }
      if (waitNanos > 0) {
        sleeper.sleep(Duration.ofNanos(waitNanos));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException(
          "interrupted while waiting to call " + settings.cloud(), e);
    }
  }

  private void throttled(Lane lane, CallError.Throttled throttled, String operation) {
    long max = settings.maxThrottleDelay().toNanos();
    long delay;
    synchronized (lane) {
      lane.delayNanos = Math.min(max, Math.max(MIN_THROTTLE_DELAY_NANOS, lane.delayNanos * 2));
      delay = lane.delayNanos;
      throttled
          .retryAfter()
          .ifPresent(
              after -> {
                long until = ticker.nanoTime() + Math.min(max, after.toNanos());
                lane.pausedUntilNanos = Math.max(lane.pausedUntilNanos, until);
              });
    }
    LOG.info(
        "{} throttles {} ({}, {}): every call of the lane now waits {} ms first{}",
        settings.cloud(),
        lane.name,
        operation,
        throttled.outcome(),
        delay / 1_000_000,
        throttled.retryAfter().map(d -> ", and all pause for " + d.toMillis() + " ms").orElse(""));
  }

  private void succeeded(Lane lane) {
    synchronized (lane) {
      if (lane.delayNanos > 0) {
        long next = lane.delayNanos * 3 / 4;
        lane.delayNanos = next < 5_000_000L ? 0 : next;
      }
    }
  }

  private void record(String operation, String outcome, long startNanos) {
    listener.onCall(operation, outcome, Duration.ofNanos(ticker.nanoTime() - startNanos));
  }
}
