package dev.fairlead.lb.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.aws.internal.CallGate.AmbiguousWriteException;
import dev.fairlead.lb.aws.internal.CallGate.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class CallGateTest {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final CallGate gate =
      new CallGate((op, outcome, d) -> calls.add(op + ":" + outcome), 1000, Duration.ofMillis(400));

  static AwsServiceException error(int status, String code) {
    return AwsServiceException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
        .build();
  }

  @Test
  void throttlingIsRetriedAndSlowsEveryLaterCall() {
    AtomicInteger attempts = new AtomicInteger();

    String result =
        gate.call(
            "DescribeLoadBalancers",
            Kind.IDEMPOTENT,
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
    assertThat(gate.throttleDelay()).as("the shared delay outlives the request").isPositive();
  }

  @Test
  void anUnclearFailureOfACreateIsNeverRepeated() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(
            () ->
                gate.call(
                    "CreateLoadBalancer",
                    Kind.CREATE,
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

    gate.call(
        "RegisterTargets",
        Kind.IDEMPOTENT,
        () -> {
          if (attempts.incrementAndGet() == 1) {
            throw error(500, "InternalFailure");
          }
          return null;
        });

    assertThat(calls).containsExactly("RegisterTargets:InternalFailure", "RegisterTargets:ok");
  }

  @Test
  void clientErrorsAreThrownAtOnce() {
    assertThatThrownBy(
            () ->
                gate.call(
                    "CreateListener",
                    Kind.CREATE,
                    () -> {
                      throw error(400, "DuplicateListener");
                    }))
        .isInstanceOf(AwsServiceException.class);
    assertThat(calls).containsExactly("CreateListener:DuplicateListener");
  }
}
