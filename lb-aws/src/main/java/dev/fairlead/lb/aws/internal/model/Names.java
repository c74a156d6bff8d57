package dev.fairlead.lb.aws.internal.model;

import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.cloud.Fingerprint;
import java.util.Locale;

/**
 * Deterministic AWS names. Every name is derived from the cluster and the Service UID (never from
 * anything a controller remembers), so a restarted controller finds what an earlier one created, a
 * re-created Service (new UID) gets new resources, and two clusters sharing an account never
 * collide.
 */
public final class Names {
  private Names() {}

  /**
   * The NLB name: {@code k8s-<ns8>-<name8>-<hash10>}, at most 32 characters, readable in the
   * console and unique per cluster and Service UID.
   *
   * @param cluster the cluster name
   * @param service the Service
   * @return the name
   */
  public static String loadBalancer(String cluster, ServiceKey service) {
    return "k8s-"
        + part(service.namespace())
        + "-"
        + part(service.name())
        + "-"
        + Fingerprint.prefix(10, cluster, service.uid());
  }

  /**
   * A target group name; the hash covers the cluster, the Service UID and every setting of the
   * group, so a changed setting gives a new name.
   *
   * @param cluster the cluster name
   * @param service the Service
   * @param settings the canonical settings of the group
   * @return the name, at most 32 characters
   */
  public static String targetGroup(String cluster, ServiceKey service, String settings) {
    return "k8s-"
        + part(service.namespace())
        + "-"
        + part(service.name())
        + "-"
        + Fingerprint.prefix(10, cluster, service.uid(), settings);
  }

  /**
   * The Service's managed frontend security group.
   *
   * @param loadBalancerName the NLB name
   * @return the group name
   */
  public static String frontendSecurityGroup(String loadBalancerName) {
    return "fairlead-frontend-" + loadBalancerName;
  }

  /**
   * The cluster's shared backend security group, attached to every NLB; node security groups accept
   * node-port traffic from it with one rule per protocol, whatever the number of NLBs.
   *
   * @param cluster the cluster name
   * @return the group name
   */
  public static String backendSecurityGroup(String cluster) {
    return "fairlead-backend-" + cluster;
  }

  private static String part(String text) {
    String clean = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (clean.isEmpty()) {
      return "x";
    }
    return clean.length() > 8 ? clean.substring(0, 8) : clean;
  }
}
