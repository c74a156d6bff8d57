package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;
import java.util.List;

/**
 * What the election needs to know about a Node.
 *
 * @param name node name
 * @param excluded may carry no load-balancer traffic by the rules the controller uses too (the
 *     exclusion label not set to {@code false}, the autoscaler's taint, being deleted)
 * @param networkUnavailable condition {@code NetworkUnavailable=True}
 * @param internalIps its InternalIP addresses (membership seeds)
 */
public record NodeInfo(
    String name, boolean excluded, boolean networkUnavailable, List<InetAddress> internalIps) {
  /** Copies the list. */
  public NodeInfo {
    internalIps = List.copyOf(internalIps);
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
