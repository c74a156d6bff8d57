package dev.fairlead.lb.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ProviderFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallGateTest {

  /** A fake clock: sleeping advances it, and every sleep is remembered. */
  static final class FakeTime implements CallGate.Ticker, CallGate.Sleeper {
    long now;
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(Duration d) {
      sleeps.add(d);
      now += d.toNanos();
    }

    Duration slept() {
      return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }
  }

  /** An SDK exception stand-in: a code and an optional Retry-After. */
  static final class SdkError extends RuntimeException {
    final String code;
    final Duration retryAfter;

    SdkError(String code, Duration retryAfter) {
      super(code);
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  static final ErrorClassifier CLASSIFIER =
      e ->
          e instanceof SdkError s
              ? switch (s.code) {
                case "429" -> new CallError.Throttled("429", Optional.ofNullable(s.retryAfter));
                case "503", "io" -> new CallError.Transient(s.code);
                default -> new CallError.Permanent(s.code);
              }
              : new CallError.Permanent("unknown");

  final FakeTime time = new FakeTime();
  final List<String> calls = new ArrayList<>();
  final CallGate gate =
      new CallGate(
          CallGate.Settings.of("Test", 1000),
          (op, outcome, d) -> calls.add(op + ":" + outcome),
          CLASSIFIER,
          time,
          time);

  /** Fails with the given codes in turn, then answers "done". */
  static java.util.function.Supplier<String> failing(String... codes) {
    AtomicInteger n = new AtomicInteger();
    return () -> {
      int i = n.getAndIncrement();
      if (i < codes.length) {
        throw new SdkError(codes[i], null);
      }
      return "done";
    };
  }

  @Test
  void aSuccessIsOneRecordedCallAndNoWait() {
    assertThat(gate.call("get", CallKind.READ, () -> "x")).isEqualTo("x");
    assertThat(calls).containsExactly("get:ok");
    assertThat(time.slept()).isZero();
  }

  @Test
  void throttledCallsAreRepeatedAndSlowTheWholeLaneDown() {
    assertThat(gate.call("insert", CallKind.CREATE, failing("429", "429"))).isEqualTo("done");
    assertThat(calls).containsExactly("insert:429", "insert:429", "insert:ok");
    // Two throttles doubled the shared delay from 100 ms; one success decayed it by a quarter.
    assertThat(gate.throttleDelay(CallKind.WRITE)).isEqualTo(Duration.ofMillis(150));
    assertThat(gate.throttleDelay(CallKind.READ)).isZero();
    time.sleeps.clear();
    gate.call("other-write", CallKind.WRITE, () -> "y");
    assertThat(time.slept()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }

  @Test
  void retryAfterPausesEveryCallOfTheLaneNotTheOtherLane() {
    AtomicInteger n = new AtomicInteger();
    gate.call(
        "put",
        CallKind.WRITE,
        () -> {
          if (n.getAndIncrement() == 0) {
            throw new SdkError("429", Duration.ofSeconds(3));
          }
          return "ok";
        });
    assertThat(time.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    assertThat(calls).containsExactly("put:429", "put:ok");
  }

  @Test
  void aReadAfterAWriteLanePauseDoesNotWait() {
    CallGate oneShot =
        new CallGate(
            new CallGate.Settings("Test", 1000, Duration.ofSeconds(30), 2),
            (op, o, d) -> {},
            CLASSIFIER,
            time,
            time);
    AtomicInteger n = new AtomicInteger();
    oneShot.call(
        "put",
        CallKind.WRITE,
        () -> {
          if (n.getAndIncrement() == 0) {
            throw new SdkError("429", Duration.ofSeconds(5));
          }
          return "ok";
        });
    // The write waited out the pause; now throttle again and check a read is not held.
    n.set(0);
    assertThatThrownBy(
            () ->
                oneShot.call(
                    "put2",
                    CallKind.WRITE,
                    () -> {
                      throw new SdkError("429", Duration.ofSeconds(5));
                    }))
        .isInstanceOf(ProviderFailureException.class);
    time.sleeps.clear();
    oneShot.call("get", CallKind.READ, () -> "r");
    assertThat(time.slept()).isLessThan(Duration.ofSeconds(1));
    time.sleeps.clear();
    oneShot.call("put3", CallKind.WRITE, () -> "w");
    assertThat(time.slept()).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void transientFailuresRepeatReadsAndWritesButMakeCreatesAmbiguous() {
    assertThat(gate.call("get", CallKind.READ, failing("503", "io"))).isEqualTo("done");
    assertThat(gate.call("delete", CallKind.WRITE, failing("503"))).isEqualTo("done");
    assertThatThrownBy(() -> gate.call("insert", CallKind.CREATE, failing("503")))
        .isInstanceOf(AmbiguousWriteException.class)
        .hasMessageContaining("insert may or may not have been applied");
    assertThat(calls)
        .containsExactly("get:503", "get:io", "get:ok", "delete:503", "delete:ok", "insert:503");
  }

  @Test
  void permanentErrorsReachTheCallerUnchangedAfterOneAttempt() {
    SdkError notFound = new SdkError("notFound", null);
    assertThatThrownBy(
            () ->
                gate.call(
                    "get",
                    CallKind.READ,
                    () -> {
                      throw notFound;
                    }))
        .isSameAs(notFound);
    assertThat(calls).containsExactly("get:notFound");
  }

  @Test
  void exhaustedAttemptsAreAProviderFailureNamingTheOperation() {
    assertThatThrownBy(
            () ->
                gate.call(
                    "list",
                    CallKind.READ,
                    () -> {
                      throw new SdkError("503", null);
                    }))
        .isInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("list failed after 8 attempts");
    assertThat(calls).hasSize(8);
  }

  @Test
  void theTokenBucketSpacesCallsBeyondTheBurst() {
    CallGate slow =
        new CallGate(CallGate.Settings.of("Test", 2), (op, o, d) -> {}, CLASSIFIER, time, time);
    for (int i = 0; i < 6; i++) {
      slow.call("get", CallKind.READ, () -> "x");
    }
    // Two calls of burst, then one every 500 ms.
    assertThat(time.now).isBetween(Duration.ofMillis(1900).toNanos(), Duration.ofMillis(2100).toNanos());
  }

  @Test
  void anInterruptedWaitIsAProviderFailureAndKeepsTheFlag() {
    CallGate interrupted =
        new CallGate(
            CallGate.Settings.of("Test", 1000),
            (op, o, d) -> {},
            CLASSIFIER,
            time,
            d -> {
              throw new InterruptedException();
            });
    assertThatThrownBy(() -> interrupted.call("get", CallKind.READ, failing("503")))
        .isInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("interrupted");
    assertThat(Thread.interrupted()).isTrue();
  }
}
