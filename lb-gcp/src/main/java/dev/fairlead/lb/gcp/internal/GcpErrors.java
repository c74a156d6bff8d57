package dev.fairlead.lb.gcp.internal;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.StatusCode;
import dev.fairlead.lb.cloud.CallError;
import dev.fairlead.lb.cloud.ErrorClassifier;
import java.io.IOException;
import java.util.Optional;

/**
 * Classifies the Google client's exceptions for the {@code CallGate}: rate limits (HTTP 429,
 * {@code rateLimitExceeded}, {@code userRateLimitExceeded}, per-minute API quotas) are throttling;
 * 5xx, {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED} and I/O failures (a lost answer) are transient;
 * everything else (not found, already exists, invalid, resource quotas) is returned to the caller.
 */
final class GcpErrors implements ErrorClassifier {

  @Override
  public CallError classify(RuntimeException error) {
    Optional<ApiException> api = api(error);
    String message = String.valueOf(error.getMessage());
    if (api.isPresent()) {
      int http = httpStatus(api.get());
      String text = message + " " + api.get().getReason();
      if (http == 429 || text.contains("rateLimitExceeded") || text.contains("userRateLimitExceeded")
          || text.contains("Rate Limit Exceeded") || text.contains("Quota exceeded for quota metric")) {
        return new CallError.Throttled(http == 429 ? "429" : "rateLimitExceeded", Optional.empty());
      }
      StatusCode.Code code = api.get().getStatusCode().getCode();
      if (http >= 500 || code == StatusCode.Code.UNAVAILABLE || code == StatusCode.Code.DEADLINE_EXCEEDED
          || code == StatusCode.Code.INTERNAL || (code == StatusCode.Code.UNKNOWN && http <= 0)
          || hasIoCause(error)) {
        return new CallError.Transient(http > 0 ? String.valueOf(http) : code.name());
      }
      return new CallError.Permanent(http > 0 ? String.valueOf(http) : code.name());
    }
    if (hasIoCause(error)) {
      return new CallError.Transient("io");
    }
    return new CallError.Permanent(error.getClass().getSimpleName());
  }

  static boolean notFound(Throwable e) {
    return api(e).map(a -> a instanceof NotFoundException || httpStatus(a) == 404).orElse(false);
  }

  static boolean alreadyExists(Throwable e) {
    return api(e).map(a -> a instanceof AlreadyExistsException || httpStatus(a) == 409).orElse(false);
  }

  static boolean inUse(Throwable e) {
    return String.valueOf(e.getMessage()).contains("resourceInUseByAnotherResource")
        || String.valueOf(e.getMessage()).contains("is already being used by");
  }

  /** A short text for users: the API's message without the transport noise. */
  static String describe(Throwable e) {
    String message = String.valueOf(e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"([^\"]*)\"")
          .matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return m.group(1);
      }
    }
    return message.length() > 300 ? message.substring(0, 300) + "..." : message;
  }

  static Optional<ApiException> api(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApiException a) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  private static int httpStatus(ApiException e) {
    Object transport = e.getStatusCode().getTransportCode();
    return transport instanceof Integer i ? i : -1;
  }

  /**
   * Whether the call failed without an HTTP answer (connection refused or reset, answer lost).
   * google-http-client's HttpResponseException is an IOException too, but it carries an answer.
   */
  private static boolean hasIoCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getName().equals("com.google.api.client.http.HttpResponseException")) {
        return false;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof java.io.UncheckedIOException) {
        return true;
      }
    }
    return false;
  }
}
