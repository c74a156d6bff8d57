package dev.fairlead.sim.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** What the proxy does to a request a rule matched. */
public sealed interface Fault {

  /**
   * Answers without forwarding: the backend never sees the request (throttling, 5xx, quota).
   *
   * @param response builds the answer from the request, so it can use the right error format
   */
  record Reject(Function<ProxiedRequest, CannedResponse> response) implements Fault {
    /** Validates. */
    public Reject {
      Objects.requireNonNull(response, "response");
    }
  }

  /**
   * Forwards after a delay.
   *
   * @param delay how long to hold the request first
   */
  record Delay(Duration delay) implements Fault {
    /** Validates. */
    public Delay {
      Objects.requireNonNull(delay, "delay");
    }
  }

  /**
   * Forwards the request, lets the backend apply it, then drops the connection without answering:
   * the client cannot tell whether it took effect.
   */
  record LoseResponse() implements Fault {}

  /**
   * A fixed answer.
   *
   * @param status the HTTP status
   * @param contentType the content type
   * @param body the body
   * @param headers extra response headers, such as {@code Retry-After}
   */
  record CannedResponse(int status, String contentType, String body, Map<String, String> headers) {
    /** Validates and copies. */
    public CannedResponse {
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
      headers = Map.copyOf(headers);
    }

    /**
     * An answer without extra headers.
     *
     * @param status the HTTP status
     * @param contentType the content type
     * @param body the body
     */
    public CannedResponse(int status, String contentType, String body) {
      this(status, contentType, body, Map.of());
    }
  }

  /**
   * A plain 503 that is not forwarded.
   *
   * @return the fault
   */
  static Fault serviceUnavailable() {
    return new Reject(r -> new CannedResponse(503, "text/plain", "injected 503"));
  }
}
