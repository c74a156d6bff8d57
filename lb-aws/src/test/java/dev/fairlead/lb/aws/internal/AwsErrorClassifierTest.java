package dev.fairlead.lb.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.cloud.AmbiguousWriteException;
import dev.fairlead.lb.cloud.CallError;
import dev.fairlead.lb.cloud.CallGate;
import dev.fairlead.lb.cloud.CallKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;

/** The AWS SDK's exceptions as the shared call gate sees them, and the gate's behaviour with them. */
class AwsErrorClassifierTest {
  final AwsErrorClassifier classifier = new AwsErrorClassifier();

  static AwsServiceException error(int status, String code) {
    return AwsServiceException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
        .build();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(error(400, "Throttling"), CallError.Throttled.class, "Throttling"),
        Arguments.of(
            error(503, "RequestLimitExceeded"), CallError.Throttled.class, "RequestLimitExceeded"),
        Arguments.of(error(429, "TooManyRequests"), CallError.Throttled.class, "TooManyRequests"),
        Arguments.of(error(500, "InternalFailure"), CallError.Transient.class, "InternalFailure"),
        Arguments.of(
            AwsServiceException.builder().statusCode(502).build(), CallError.Transient.class, "502"),
        Arguments.of(
            SdkClientException.create("connection reset"), CallError.Transient.class, "io"),
        Arguments.of(
            error(400, "DuplicateListener"), CallError.Permanent.class, "DuplicateListener"),
        Arguments.of(error(400, "ValidationError"), CallError.Permanent.class, "ValidationError"),
        Arguments.of(
            new IllegalStateException("bug"), CallError.Permanent.class, "IllegalStateException"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("errors")
  void classifiesByCodeAndStatus(
      RuntimeException error, Class<? extends CallError> kind, String outcome) {
    CallError classified = classifier.classify(error);

    assertThat(classified).isInstanceOf(kind);
    assertThat(classified.outcome()).isEqualTo(outcome);
  }

  @Test
  void aRetryAfterHeaderIsHonoured() {
    AwsServiceException throttled =
        AwsServiceException.builder()
            .statusCode(429)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("Throttling")
                    .sdkHttpResponse(
                        SdkHttpResponse.builder().statusCode(429).putHeader("Retry-After", "3").build())
                    .build())
            .build();

    assertThat(classifier.classify(throttled))
        .isEqualTo(new CallError.Throttled("Throttling", java.util.Optional.of(Duration.ofSeconds(3))));
  }

  // The gate with this classifier, on a fake clock (no real waiting).
  final List<String> calls = new CopyOnWriteArrayList<>();
  final AtomicLong now = new AtomicLong();
  final CallGate gate =
      new CallGate(
          new CallGate.Settings("AWS", 1000, Duration.ofMillis(400), 8),
          (op, outcome, d) -> calls.add(op + ":" + outcome),
          classifier,
          now::get,
          d -> now.addAndGet(d.toNanos()));

  @Test
  void throttlingIsRetriedAndSlowsEveryLaterCall() {
    AtomicInteger attempts = new AtomicInteger();

    String result =
        gate.call(
            "DescribeLoadBalancers",
            CallKind.READ,
            () -> {
              if (attempts.incrementAndGet() <= 2) {
                throw error(400, "Throttling");
              }
              return "ok";
            });

    assertThat(result).isEqualTo("ok");
    assertThat(calls)
        .containsExactly(
            "DescribeLoadBalancers:Throttling",
            "DescribeLoadBalancers:Throttling",
            "DescribeLoadBalancers:ok");
    assertThat(gate.throttleDelay(CallKind.READ))
        .as("the shared delay outlives the request")
        .isPositive();
  }

  @Test
  void anUnclearFailureOfACreateIsNeverRepeated() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(
            () ->
                gate.call(
                    "CreateLoadBalancer",
                    CallKind.CREATE,
                    () -> {
                      attempts.incrementAndGet();
                      throw SdkClientException.create("connection reset");
                    }))
        .isInstanceOf(AmbiguousWriteException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void idempotentCallsAreRepeatedAfterServerErrors() {
    AtomicInteger attempts = new AtomicInteger();

    gate.run(
        "RegisterTargets",
        CallKind.WRITE,
        () -> {
          if (attempts.incrementAndGet() == 1) {
            throw error(500, "InternalFailure");
          }
        });

    assertThat(calls).containsExactly("RegisterTargets:InternalFailure", "RegisterTargets:ok");
  }

  @Test
  void clientErrorsAreThrownAtOnceForTheCallerToInspect() {
    assertThatThrownBy(
            () ->
                gate.call(
                    "CreateListener",
                    CallKind.CREATE,
                    () -> {
                      throw error(400, "DuplicateListener");
                    }))
        .isInstanceOf(AwsServiceException.class);
    assertThat(calls).containsExactly("CreateListener:DuplicateListener");
  }
}
