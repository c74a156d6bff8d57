package dev.fairlead.lb.azure.model;

import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.cloud.Fingerprint;
import dev.fairlead.lb.cloud.UpstreamNames;
import java.util.List;
import java.util.Locale;

/**
 * Every name the provider gives an Azure resource, as the upstream cloud-provider-azure derives
 * it, so a cluster that moves from the upstream cloud-controller-manager finds (adopts) its load
 * balancers, frontends and public IPs instead of creating new ones with new addresses.
 */
public final class Names {
  /** Azure's limit for resource and child-resource names. */
  public static final int MAX_NAME = 80;
  /** The prefix of consolidated security rules (upstream's naming). */
  public static final String SECURITY_RULE_PREFIX = "k8s-azure-lb_allow_IPv4_";
  /** Public IP tag naming the Service(s) using the address, {@code namespace/name}. */
  public static final String SERVICE_TAG = "k8s-azure-service";
  /** Public IP tag naming the cluster. */
  public static final String CLUSTER_TAG = "k8s-azure-cluster-name";

  private Names() {}

  /**
   * The shared load balancer of a cluster.
   *
   * @param cluster the cluster name
   * @param internal whether for internal Services
   * @return {@code <cluster>} or {@code <cluster>-internal}
   */
  public static String loadBalancer(String cluster, boolean internal) {
    return internal ? cluster + "-internal" : cluster;
  }

  /**
   * The backend pool of the shared load balancers.
   *
   * @param cluster the cluster name
   * @return {@code <cluster>}
   */
  public static String pool(String cluster) {
    return cluster;
  }

  /**
   * What every sub-resource of a Service starts with: upstream's default load-balancer name.
   *
   * @param service the Service
   * @return {@code a<uid>} (32 characters)
   */
  public static String owner(ServiceKey service) {
    return UpstreamNames.loadBalancerName(service);
  }

  /**
   * Whether a sub-resource name belongs to an owner.
   *
   * @param name the sub-resource name
   * @param owner the owner prefix from {@link #owner}
   * @return true for {@code owner} itself and {@code owner-...}
   */
  public static boolean ownedBy(String name, String owner) {
    return name.equalsIgnoreCase(owner)
        || name.toLowerCase(Locale.ROOT).startsWith(owner.toLowerCase(Locale.ROOT) + "-");
  }

  /**
   * The frontend IP configuration of a Service.
   *
   * @param service the Service
   * @param internalSubnet the subnet annotation of an internal Service, or null
   * @return {@code a<uid>} or {@code a<uid>-<subnet>}
   */
  public static String frontend(ServiceKey service, String internalSubnet) {
    String base = owner(service);
    return internalSubnet == null ? base : cut(base + "-" + internalSubnet);
  }

  /**
   * A load-balancing rule (and its probe).
   *
   * @param frontend the frontend's name
   * @param protocol the protocol
   * @param port the frontend port
   * @return {@code <frontend>-TCP-80}
   */
  public static String rule(String frontend, Protocol protocol, int port) {
    return cut(frontend + "-" + protocol.name() + "-" + port);
  }

  /**
   * The public IP address of a Service.
   *
   * @param cluster the cluster name
   * @param service the Service
   * @return {@code <cluster>-a<uid>}, cut to 80 characters
   */
  public static String publicIp(String cluster, ServiceKey service) {
    return cut(cluster + "-" + owner(service));
  }

  /**
   * A consolidated security rule: one per protocol, source set and port set in a cluster, shared
   * by every Service with those, so the rule count grows with distinct shapes, not Services.
   *
   * @param cluster the cluster name
   * @param protocol {@code Tcp} or {@code Udp}
   * @param sources the source prefixes, sorted
   * @param ports the destination ports, sorted
   * @param toNodes whether the rule admits node addresses (floating IP disabled) rather than
   *     frontend addresses
   * @return {@code k8s-azure-lb_allow_IPv4_<hash>}
   */
  public static String securityRule(String cluster, String protocol, List<String> sources, List<String> ports,
      boolean toNodes) {
    return SECURITY_RULE_PREFIX + Fingerprint.prefix(32, cluster, protocol, String.join(",", sources),
        String.join(",", ports), toNodes ? "nodes" : "frontends");
  }

  /**
   * A security rule of one Service only ({@code azure-shared-securityrule: "false"}).
   *
   * @param owner the owner prefix
   * @param protocol {@code Tcp} or {@code Udp}
   * @param port the destination port
   * @param source the source prefix
   * @return {@code a<uid>-TCP-80-<source>} in upstream's older style
   */
  public static String dedicatedSecurityRule(String owner, String protocol, String port, String source) {
    return cut(owner + "-" + protocol.toUpperCase(Locale.ROOT) + "-" + port + "-"
        + source.replace('/', '_').replace(':', '.'));
  }

  private static String cut(String name) {
    return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
  }
}
