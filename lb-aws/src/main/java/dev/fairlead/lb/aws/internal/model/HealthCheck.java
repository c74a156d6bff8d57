package dev.fairlead.lb.aws.internal.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A target group health check.
 *
 * @param protocol {@code TCP}, {@code HTTP} or {@code HTTPS}
 * @param port {@code traffic-port} or a port number
 * @param path the HTTP(S) path, empty for TCP
 * @param intervalSeconds seconds between checks
 * @param timeoutSeconds seconds per check
 * @param healthyThreshold successes before healthy
 * @param unhealthyThreshold failures before unhealthy
 */
public record HealthCheck(
    String protocol,
    String port,
    Optional<String> path,
    int intervalSeconds,
    int timeoutSeconds,
    int healthyThreshold,
    int unhealthyThreshold) {

  /** Validates. */
  public HealthCheck {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(path, "path");
  }

  String canonical() {
    return String.join(
        ",",
        protocol,
        port,
        path.orElse(""),
        Integer.toString(intervalSeconds),
        Integer.toString(timeoutSeconds),
        Integer.toString(healthyThreshold),
        Integer.toString(unhealthyThreshold));
  }
}
