package dev.fairlead.lb.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import dev.fairlead.lb.cloud.CallError;
import dev.fairlead.lb.cloud.ErrorClassifier;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Classifies what azure-core throws for the {@link dev.fairlead.lb.cloud.CallGate}: 429 is
 * throttling with its {@code Retry-After}; 5xx, I/O failures and ARM's "try again" codes are
 * transient; everything else (404, 412, 400) goes back to the caller, which inspects it.
 */
final class ArmErrors implements ErrorClassifier {
  /** ARM codes that mean "not applied, try again shortly" although the status is 4xx. */
  private static final Set<String> RETRYABLE = Set.of("AnotherOperationInProgress", "ReferencedResourceNotProvisioned",
      "RetryableError", "OperationPreempted", "CanceledAndSupersededDueToAnotherOperation");

  @Override
  public CallError classify(RuntimeException error) {
    HttpResponseException http = http(error);
    if (http != null) {
      int status = status(http);
      String code = code(error).orElse(Integer.toString(status));
      if (status == 429) {
        return new CallError.Throttled(code, retryAfter(http));
      }
      if (status >= 500 || RETRYABLE.contains(code)) {
        return new CallError.Transient(code);
      }
      return new CallError.Permanent(code);
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof TimeoutException) {
        return new CallError.Transient("io");
      }
    }
    return new CallError.Permanent(error.getClass().getSimpleName());
  }

  static HttpResponseException http(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof HttpResponseException h) {
        return h;
      }
    }
    return null;
  }

  static int status(Throwable error) {
    HttpResponseException http = http(error);
    return http == null || http.getResponse() == null ? -1 : http.getResponse().getStatusCode();
  }

  /**
   * The ARM error code of a failure, such as {@code PreconditionFailed}.
   *
   * @param error what the SDK threw
   * @return the code, if the answer had one
   */
  static Optional<String> code(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ManagementException m && m.getValue() != null && m.getValue().getCode() != null) {
        return Optional.of(m.getValue().getCode());
      }
      if (t instanceof OperationFailedException o) {
        return Optional.of(o.code());
      }
    }
    return Optional.empty();
  }

  static String message(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ManagementException m && m.getValue() != null && m.getValue().getMessage() != null) {
        return m.getValue().getCode() + ": " + m.getValue().getMessage();
      }
    }
    return error.getMessage();
  }

  private static Optional<Duration> retryAfter(HttpResponseException http) {
    if (http.getResponse() == null) {
      return Optional.empty();
    }
    String value = http.getResponse().getHeaderValue("Retry-After");
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
