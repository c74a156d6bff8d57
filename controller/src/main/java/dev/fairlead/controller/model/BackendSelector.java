package dev.fairlead.controller.model;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.IpLiteral;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Taint;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the nodes a load balancer targets, with the upstream service controller's stable
 * predicates (KEP-3458): not being deleted, not excluded by label, not tainted for scale-down.
 * Readiness is deliberately ignored: the load balancer's health check decides, and filtering on it
 * would churn every load balancer whenever a node flaps.
 */
public final class BackendSelector {

  /** Nodes labelled with this (unless its value parses as {@code false}) get no traffic. */
  public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

  /** The cluster autoscaler's taint on nodes it is about to remove. */
  public static final String SCALE_DOWN_TAINT = "ToBeDeletedByClusterAutoscaler";

  private BackendSelector() {}

  /**
   * The backend this node contributes, or empty if the predicates exclude it.
   *
   * @param node a Node
   * @return the backend, if the node may receive traffic
   */
  public static Optional<BackendNode> toBackend(Node node) {
    if (node.getMetadata().getDeletionTimestamp() != null || isExcludedByLabel(node) || isTainted(node)) {
      return Optional.empty();
    }
    String providerId = node.getSpec() == null ? null : node.getSpec().getProviderID();
    Map<String, String> labels = node.getMetadata().getLabels();
    return Optional.of(
        new BackendNode(
            node.getMetadata().getName(),
            providerId == null ? "" : providerId,
            addresses(node),
            labels == null ? Map.of() : labels));
  }

  static boolean isExcludedByLabel(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels == null || !labels.containsKey(EXCLUDE_LABEL)) {
      return false;
    }
    // Upstream semantics: a value that parses as a boolean excludes iff true; anything else excludes.
    String value = labels.get(EXCLUDE_LABEL);
    return !"false".equalsIgnoreCase(value == null ? "" : value.strip());
  }

  static boolean isTainted(Node node) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    return taints != null && taints.stream().anyMatch(t -> SCALE_DOWN_TAINT.equals(t.getKey()));
  }

  /** Internal addresses first, then external; hostnames and unparsable values are skipped. */
  static List<InetAddress> addresses(Node node) {
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return List.of();
    }
    List<InetAddress> internal = new ArrayList<>();
    List<InetAddress> external = new ArrayList<>();
    for (NodeAddress address : node.getStatus().getAddresses()) {
      List<InetAddress> target =
          switch (String.valueOf(address.getType())) {
            case "InternalIP" -> internal;
            case "ExternalIP" -> external;
            default -> null;
          };
      if (target != null) {
        parseLiteral(address.getAddress()).filter(a -> !target.contains(a)).ifPresent(target::add);
      }
    }
    internal.addAll(external);
    return internal;
  }

  static Optional<InetAddress> parseLiteral(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(IpLiteral.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
