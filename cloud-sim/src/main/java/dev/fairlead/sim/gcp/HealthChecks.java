package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * {@code global/httpHealthChecks} (legacy, used by target pools) and {@code global/healthChecks}
 * (used by backend services); both can be updated in place.
 */
final class HealthChecks extends Collection {
  private final boolean legacy;

  private HealthChecks(boolean legacy) {
    super(legacy ? "httpHealthChecks" : "healthChecks",
        legacy ? "compute#httpHealthCheck" : "compute#healthCheck", Scope.GLOBAL);
    this.legacy = legacy;
  }

  static HealthChecks legacyHttp() {
    return new HealthChecks(true);
  }

  static HealthChecks modern() {
    return new HealthChecks(false);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    int interval = integer(body, "checkIntervalSec", 5, 1, 300);
    int timeout = integer(body, "timeoutSec", 5, 1, 300);
    if (timeout > interval) {
      throw ComputeError.invalid("resource.timeoutSec", "timeoutSec should be less than checkIntervalSec");
    }
    r.put("checkIntervalSec", interval);
    r.put("timeoutSec", timeout);
    r.put("healthyThreshold", integer(body, "healthyThreshold", 2, 1, 10));
    r.put("unhealthyThreshold", integer(body, "unhealthyThreshold", 2, 1, 10));
    if (legacy) {
      r.put("port", integer(body, "port", 80, 1, 65535));
      r.put("requestPath", text(body, "requestPath", "/"));
      r.put("host", text(body, "host", ""));
    } else {
      String type = oneOf(body, "type", "", "HTTP", "HTTPS", "TCP", "SSL", "HTTP2", "GRPC");
      r.put("type", type);
      String field = switch (type) {
        case "HTTP" -> "httpHealthCheck";
        case "HTTPS" -> "httpsHealthCheck";
        case "TCP" -> "tcpHealthCheck";
        case "SSL" -> "sslHealthCheck";
        case "HTTP2" -> "http2HealthCheck";
        default -> "grpcHealthCheck";
      };
      JsonNode details = body.path(field);
      ObjectNode out = r.putObject(field);
      out.put("port", integer(details, "port", 80, 1, 65535));
      if (details.has("requestPath")) {
        out.put("requestPath", details.get("requestPath").asText());
      }
      if (details.has("portSpecification")) {
        out.put("portSpecification", details.get("portSpecification").asText());
      }
    }
    return r;
  }

  @Override
  String quotaMetric() {
    return "HEALTH_CHECKS";
  }

  @Override
  Set<String> mutableFields() {
    return Set.of("name", "description", "checkIntervalSec", "timeoutSec", "healthyThreshold", "unhealthyThreshold",
        "port", "requestPath", "host", "type", "httpHealthCheck", "tcpHealthCheck", "httpsHealthCheck");
  }
}
