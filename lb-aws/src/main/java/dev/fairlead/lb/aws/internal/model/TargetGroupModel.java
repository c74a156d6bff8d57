package dev.fairlead.lb.aws.internal.model;

import java.util.Map;
import java.util.Objects;

/**
 * One instance target group, on a node port. Its name hashes every setting, so a changed setting
 * means a new group (created, switched to, then the old one deleted) and never an in-place edit of
 * an immutable field.
 *
 * @param name the deterministic name, at most 32 characters
 * @param protocol {@code TCP}, {@code UDP}, {@code TCP_UDP} or {@code TLS}
 * @param nodePort the port on every node
 * @param healthCheck the health check
 * @param attributes target group attributes to set after creation
 */
public record TargetGroupModel(
    String name,
    String protocol,
    int nodePort,
    HealthCheck healthCheck,
    Map<String, String> attributes) {

  /** Validates and copies. */
  public TargetGroupModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(healthCheck, "healthCheck");
    attributes = Map.copyOf(attributes);
    if (name.length() > 32) {
      throw new IllegalArgumentException("target group name too long: " + name);
    }
  }
}
