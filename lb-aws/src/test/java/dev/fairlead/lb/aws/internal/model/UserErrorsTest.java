package dev.fairlead.lb.aws.internal.model;

import static dev.fairlead.lb.aws.internal.model.Annotations.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which AWS refusals are the user's to fix, and that the Warning names the annotation to blame. */
class UserErrorsTest {
  static final ListenerModel TLS =
      PlannerTest.PLAIN.listeners().getFirst();

  static Stream<Arguments> refusals() {
    Step attributes = new Step.SetTargetGroupAttributes("tg", Map.of("stickiness.type", "x"));
    Step listener = new Step.CreateListener(TLS, Map.of());
    Step create = new Step.CreateLoadBalancer(PlannerTest.PLAIN, List.of(), CheckpointTags.of(PlannerTest.PLAIN));
    return Stream.of(
        Arguments.of(listener, "CertificateNotFound", Optional.of(SSL_CERT)),
        Arguments.of(listener, "CertificateNotFoundException", Optional.of(SSL_CERT)),
        Arguments.of(listener, "SSLPolicyNotFound", Optional.of(SSL_POLICY)),
        Arguments.of(create, "InvalidSecurityGroup", Optional.of(SECURITY_GROUPS)),
        Arguments.of(create, "InvalidSubnet", Optional.of(SUBNETS)),
        Arguments.of(create, "AllocationIdNotFound", Optional.of(EIP_ALLOCATIONS)),
        Arguments.of(create, "ValidationError", Optional.of(SUBNETS)),
        Arguments.of(attributes, "ValidationError", Optional.of(TG_ATTRIBUTES)),
        Arguments.of(attributes, "InvalidConfigurationRequest", Optional.of(TG_ATTRIBUTES)),
        Arguments.of(new Step.SetCrossZone(true), "ValidationError", Optional.of(CROSS_ZONE)),
        Arguments.of(create, "TooManyLoadBalancers", Optional.of("quota")),
        Arguments.of(create, "AccessDenied", Optional.of("IAM permission")),
        Arguments.of(create, "InternalFailure", Optional.empty()),
        Arguments.of(create, "RequestLimitExceeded", Optional.empty()),
        Arguments.of(attributes, "TargetGroupNotFound", Optional.empty()));
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("refusals")
  void userErrorsNameWhatToFix(Step step, String code, Optional<String> named) {
    Optional<String> explained = UserErrors.explain(step, code, "the message from AWS");

    assertThat(explained.isPresent()).isEqualTo(named.isPresent());
    named.ifPresent(
        text ->
            assertThat(explained.get()).contains(text).contains(code).contains("the message from AWS"));
  }
}
