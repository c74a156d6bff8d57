package dev.fairlead.kube.vocabulary;

import dev.fairlead.lb.api.BackendNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Taint;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Nodes may carry load-balancer traffic, with the upstream service controller's stable
 * predicates (KEP-3458): not being deleted, not excluded by label, not tainted for scale-down.
 * Readiness is deliberately ignored: the load balancer's health check decides, and filtering on it
 * would churn every load balancer whenever a node flaps. The controller picks backends with these
 * rules and the bare-metal speaker announces only from such nodes, so the two never disagree.
 */
public final class Nodes {

  /** Nodes labelled with this (unless its value is {@code false}) get no traffic. */
  public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

  /** The cluster autoscaler's taint on nodes it is about to remove. */
  public static final String SCALE_DOWN_TAINT = "ToBeDeletedByClusterAutoscaler";

  private Nodes() {}

  /**
   * Why a node carries no load-balancer traffic.
   *
   * @param node a Node
   * @return the reason, or empty if it may carry traffic
   */
  public static Optional<String> exclusion(Node node) {
    if (node.getMetadata().getDeletionTimestamp() != null) {
      return Optional.of("being deleted");
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels != null && labels.containsKey(EXCLUDE_LABEL)) {
      // Upstream semantics: a value that parses as a boolean excludes iff true; anything else excludes.
      String value = labels.get(EXCLUDE_LABEL);
      if (!"false".equalsIgnoreCase(value == null ? "" : value.strip())) {
        return Optional.of("labelled " + EXCLUDE_LABEL);
      }
    }
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    if (taints != null && taints.stream().anyMatch(t -> SCALE_DOWN_TAINT.equals(t.getKey()))) {
      return Optional.of("tainted " + SCALE_DOWN_TAINT);
    }
    return Optional.empty();
  }

  /**
   * Whether a node may carry load-balancer traffic.
   *
   * @param node a Node
   * @return true unless {@link #exclusion} names a reason
   */
  public static boolean carriesTraffic(Node node) {
    return exclusion(node).isEmpty();
  }

  /**
   * The backend this node contributes, or empty if it may not carry traffic.
   *
   * @param node a Node
   * @return the backend
   */
  public static Optional<BackendNode> backend(Node node) {
    if (!carriesTraffic(node)) {
      return Optional.empty();
    }
    String providerId = node.getSpec() == null ? null : node.getSpec().getProviderID();
    Map<String, String> labels = node.getMetadata().getLabels();
    return Optional.of(new BackendNode(node.getMetadata().getName(), providerId == null ? "" : providerId,
        addresses(node), labels == null ? Map.of() : labels));
  }

  /**
   * The node's addresses: InternalIP first, then ExternalIP; hostnames and unparsable values are
   * skipped.
   *
   * @param node a Node
   * @return the addresses, without repeats
   */
  public static List<InetAddress> addresses(Node node) {
    List<InetAddress> result = new ArrayList<>(addresses(node, "InternalIP"));
    addresses(node, "ExternalIP").stream().filter(a -> !result.contains(a)).forEach(result::add);
    return result;
  }

  /**
   * The node's InternalIP addresses.
   *
   * @param node a Node
   * @return the addresses, without repeats
   */
  public static List<InetAddress> internalAddresses(Node node) {
    return addresses(node, "InternalIP");
  }

  private static List<InetAddress> addresses(Node node, String type) {
    List<InetAddress> result = new ArrayList<>();
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return result;
    }
    for (NodeAddress address : node.getStatus().getAddresses()) {
      if (type.equals(address.getType())) {
        Addresses.parse(address.getAddress()).filter(a -> !result.contains(a)).ifPresent(result::add);
      }
    }
    return result;
  }
}
