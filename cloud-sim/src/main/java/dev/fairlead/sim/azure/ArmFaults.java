package dev.fairlead.sim.azure;

import dev.fairlead.sim.proxy.Fault;
import dev.fairlead.sim.proxy.ProxiedRequest;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Faults in ARM's wire format for the {@link dev.fairlead.sim.proxy.FaultProxy} in front of the
 * simulator: the throttling and server errors Azure answers, with its bodies and headers.
 */
public final class ArmFaults {
  private static final String JSON = "application/json; charset=utf-8";

  private ArmFaults() {}

  /**
   * 429 {@code SubscriptionRequestsThrottled} with {@code Retry-After}; the request is not applied.
   *
   * @param retryAfterSeconds the {@code Retry-After} value
   * @return the fault
   */
  public static Fault throttled(int retryAfterSeconds) {
    return new Fault.Reject(r -> canned(ArmError.throttled(subscription(r),
        r.method().equals("GET") ? "read" : "write", retryAfterSeconds)));
  }

  /**
   * 500 {@code InternalServerError}; the request is not applied.
   *
   * @return the fault
   */
  public static Fault internalError() {
    return new Fault.Reject(r -> canned(new ArmError(500, "InternalServerError",
        "An error has occurred in the server while processing the request.")));
  }

  /**
   * Any ARM error; the request is not applied.
   *
   * @param status the HTTP status
   * @param code the error code
   * @param message the message
   * @return the fault
   */
  public static Fault error(int status, String code, String message) {
    return new Fault.Reject(r -> canned(new ArmError(status, code, message)));
  }

  /**
   * Matches requests of a method whose path contains a text (case-insensitive), such as {@code
   * ("PUT", "/loadBalancers/")}.
   *
   * @param method the HTTP method
   * @param pathPart the text
   * @return the predicate
   */
  public static Predicate<ProxiedRequest> request(String method, String pathPart) {
    String lower = pathPart.toLowerCase(java.util.Locale.ROOT);
    return r -> r.method().equalsIgnoreCase(method)
        && r.path().toLowerCase(java.util.Locale.ROOT).contains(lower);
  }

  private static Fault.CannedResponse canned(ArmError error) {
    return new Fault.CannedResponse(error.status(), JSON, error.body().toString(), Map.copyOf(error.headers()));
  }

  private static String subscription(ProxiedRequest request) {
    String[] parts = request.path().split("[/?]");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equalsIgnoreCase("subscriptions")) {
        return parts[i + 1];
      }
    }
    return "unknown";
  }
}
