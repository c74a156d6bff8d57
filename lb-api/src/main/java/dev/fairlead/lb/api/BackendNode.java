package dev.fairlead.lb.api;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node that may receive traffic. The controller has already dropped nodes that are being deleted,
 * excluded by label or tainted for scale-down; readiness is deliberately not filtered, because the
 * load balancer's own health check decides where traffic goes.
 *
 * @param name the Node name
 * @param providerId the Node's {@code spec.providerID}, such as {@code aws:///eu-west-1a/i-0abc};
 *     empty when unset (bare metal)
 * @param addresses the node's internal addresses first, then external ones
 * @param labels the Node's labels, for providers that select targets by label
 */
public record BackendNode(
    String name, String providerId, List<InetAddress> addresses, Map<String, String> labels) {

  /** Validates and copies. */
  public BackendNode {
    ServiceKey.requireText(name, "node name");
    Objects.requireNonNull(providerId, "providerId");
    addresses = List.copyOf(addresses);
    labels = Map.copyOf(labels);
  }
}
