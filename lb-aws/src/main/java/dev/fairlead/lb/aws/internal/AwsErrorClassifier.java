package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.cloud.CallError;
import dev.fairlead.lb.cloud.ErrorClassifier;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The AWS SDK's exceptions for the shared {@link dev.fairlead.lb.cloud.CallGate}: throttling codes
 * and HTTP 429 are {@link CallError.Throttled}, 5xx answers and client-side failures (timeouts,
 * connections lost) {@link CallError.Transient}, everything else {@link CallError.Permanent} and
 * returned to the caller, which inspects the code. The outcome recorded in the call metrics is the
 * AWS error code, the HTTP status when there is none, or {@code io}.
 */
final class AwsErrorClassifier implements ErrorClassifier {
  /** The throttling codes of EC2, ELBv2 and the tagging API. */
  static final Set<String> THROTTLING =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "RequestLimitExceeded",
          "TooManyRequestsException",
          "RequestThrottled",
          "SlowDown");

  @Override
  public CallError classify(RuntimeException error) {
    return switch (error) {
      case AwsServiceException e -> {
        String outcome = AwsErrors.code(e);
        if (THROTTLING.contains(outcome) || e.statusCode() == 429) {
          yield new CallError.Throttled(outcome, retryAfter(e));
        }
        yield e.statusCode() >= 500
            ? new CallError.Transient(outcome)
            : new CallError.Permanent(outcome);
      }
      case SdkClientException e -> new CallError.Transient("io");
      default -> new CallError.Permanent(error.getClass().getSimpleName());
    };
  }

  private static Optional<Duration> retryAfter(AwsServiceException e) {
    if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
      return Optional.empty();
    }
    return e.awsErrorDetails()
        .sdkHttpResponse()
        .firstMatchingHeader("Retry-After")
        .filter(v -> v.matches("\\d{1,5}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v)));
  }
}
