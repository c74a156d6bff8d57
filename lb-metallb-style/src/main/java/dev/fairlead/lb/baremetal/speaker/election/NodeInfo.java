package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * What the election needs to know about a Node.
 *
 * @param name node name
 * @param excluded may carry no load-balancer traffic by the rules the controller uses too (the
 *     exclusion label not set to {@code false}, the autoscaler's taint, being deleted)
 * @param networkUnavailable condition {@code NetworkUnavailable=True}
 * @param internalIps its InternalIP addresses (membership seeds)
 * @param labels its labels (L2Advertisement node selectors)
 */
public record NodeInfo(String name, boolean excluded, boolean networkUnavailable,
    List<InetAddress> internalIps, Map<String, String> labels) {
  /** Copies the collections. */
  public NodeInfo {
    internalIps = List.copyOf(internalIps);
    labels = Map.copyOf(labels);
  }

  /**
   * A node without labels.
   *
   * @param name node name
   * @param excluded labelled {@code node.kubernetes.io/exclude-from-external-load-balancers}
   * @param networkUnavailable condition {@code NetworkUnavailable=True}
   * @param internalIps its InternalIP addresses
   */
  public NodeInfo(String name, boolean excluded, boolean networkUnavailable,
      List<InetAddress> internalIps) {
    this(name, excluded, networkUnavailable, internalIps, Map.of());
  }

  /**
   * Whether this node may announce at all.
   *
   * @return true unless excluded or without network
   */
  public boolean eligible() {
    return !excluded && !networkUnavailable;
  }
}
