package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serial;

/**
 * An error the simulated Compute API answers, in the real wire shape: an HTTP status and a body
 * {@code {"error":{"code":404,"message":"...","errors":[{"domain":"global","reason":"notFound",
 * "message":"..."}]}}}. Every error body of the simulator is built here, so they all agree. When an
 * operation fails instead of the request, the same reason and message end up in the operation's
 * {@code error.errors[0]} with the upper-case code the real API uses there ({@link #operationCode()}).
 */
public final class ComputeError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final String reason;
  private final String operationCode;

  private ComputeError(int status, String reason, String operationCode, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.operationCode = operationCode;
  }

  /**
   * The HTTP status.
   *
   * @return such as 404
   */
  public int status() {
    return status;
  }

  /**
   * The lower-camel reason of {@code errors[0].reason}.
   *
   * @return such as {@code notFound}
   */
  public String reason() {
    return reason;
  }

  /**
   * The code an operation that failed this way reports in {@code error.errors[0].code}.
   *
   * @return such as {@code RESOURCE_NOT_FOUND}
   */
  public String operationCode() {
    return operationCode;
  }

  /**
   * The response body.
   *
   * @return the JSON object
   */
  public ObjectNode body() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", status);
    error.put("message", getMessage());
    ObjectNode item = error.putArray("errors").addObject();
    item.put("message", getMessage());
    item.put("domain", reason.equals("rateLimitExceeded") || reason.equals("userRateLimitExceeded")
        ? "usageLimits" : "global");
    item.put("reason", reason);
    return root;
  }

  /**
   * A resource that does not exist.
   *
   * @param path the resource path, {@code projects/...}
   * @return the error
   */
  public static ComputeError notFound(String path) {
    return new ComputeError(404, "notFound", "RESOURCE_NOT_FOUND",
        "The resource '" + path + "' was not found");
  }

  /**
   * A name that is taken.
   *
   * @param path the resource path
   * @return the error
   */
  public static ComputeError alreadyExists(String path) {
    return new ComputeError(409, "alreadyExists", "RESOURCE_ALREADY_EXISTS",
        "The resource '" + path + "' already exists");
  }

  /**
   * A delete of a resource another one still references (a target pool behind a forwarding rule).
   *
   * @param path the resource
   * @param user the resource that references it
   * @return the error
   */
  public static ComputeError inUse(String path, String user) {
    return new ComputeError(400, "resourceInUseByAnotherResource", "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
        "The " + kindOf(path) + " resource '" + path + "' is already being used by '" + user + "'");
  }

  /**
   * A request whose field has a value the API refuses.
   *
   * @param field such as {@code resource.portRange}
   * @param detail why
   * @return the error
   */
  public static ComputeError invalid(String field, String detail) {
    return new ComputeError(400, "invalid", "INVALID_FIELD_VALUE",
        "Invalid value for field '" + field + "': " + detail);
  }

  /**
   * A request the API refuses as a whole (an unknown method, an unparsable filter).
   *
   * @param message why
   * @return the error
   */
  public static ComputeError badRequest(String message) {
    return new ComputeError(400, "badRequest", "INVALID_ARGUMENT", message);
  }

  /**
   * A resource quota is used up; reported by the operation, as the real API does.
   *
   * @param metric such as {@code FORWARDING_RULES}
   * @param limit the limit
   * @param scope such as {@code region us-central1} or {@code project p}
   * @return the error
   */
  public static ComputeError quotaExceeded(String metric, int limit, String scope) {
    return new ComputeError(403, "quotaExceeded", "QUOTA_EXCEEDED",
        "Quota '" + metric + "' exceeded.  Limit: " + limit + ".0 in " + scope + ".");
  }

  /**
   * The per-minute API rate quota is used up (HTTP 403 {@code rateLimitExceeded}).
   *
   * @return the error
   */
  public static ComputeError rateLimitExceeded() {
    return new ComputeError(403, "rateLimitExceeded", "RATE_LIMIT_EXCEEDED",
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service"
            + " 'compute.googleapis.com'.");
  }

  /**
   * Too many requests (HTTP 429).
   *
   * @return the error
   */
  public static ComputeError tooManyRequests() {
    return new ComputeError(429, "rateLimitExceeded", "RATE_LIMIT_EXCEEDED",
        "Rate Limit Exceeded");
  }

  /**
   * A precondition such as a stale fingerprint failed (HTTP 412).
   *
   * @param detail which
   * @return the error
   */
  public static ComputeError conditionNotMet(String detail) {
    return new ComputeError(412, "conditionNotMet", "CONDITION_NOT_MET", detail);
  }

  /**
   * A failure of the service itself (HTTP 503), for operations told to fail that way.
   *
   * @return the error
   */
  public static ComputeError internal() {
    return new ComputeError(503, "backendError", "INTERNAL_ERROR", "Internal error. Please try again.");
  }

  private static String kindOf(String path) {
    String[] parts = path.split("/");
    String collection = parts.length >= 2 ? parts[parts.length - 2] : "resource";
    return switch (collection) {
      case "targetPools" -> "targetPool";
      case "forwardingRules" -> "forwardingRule";
      case "httpHealthChecks" -> "httpHealthCheck";
      case "healthChecks" -> "healthCheck";
      case "backendServices" -> "backendService";
      case "instanceGroups" -> "instanceGroup";
      case "addresses" -> "address";
      case "firewalls" -> "firewall";
      default -> collection;
    };
  }
}
