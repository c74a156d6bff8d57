package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.cloud.UpstreamNames;
import java.util.Locale;

/**
 * Resource names exactly as cloud-provider-gcp derives them, so a cluster that moves from the
 * upstream cloud-controller-manager adopts its load balancers (reference: gce_loadbalancer_naming.go).
 *
 * @param cluster the cluster name (upstream's cluster id)
 * @param lb the load-balancer name {@code a<uid>} (32 characters)
 */
public record Names(String cluster, String lb) {
  /**
   * The names of one Service's load balancer.
   *
   * @param cluster the cluster name
   * @param service the Service
   * @return the names
   */
  public static Names of(String cluster, ServiceKey service) {
    return new Names(cluster, UpstreamNames.loadBalancerName(service));
  }

  /**
   * The forwarding rule of a protocol: {@code a<uid>} for the first protocol, {@code a<uid>-udp}
   * for UDP beside TCP on one address.
   *
   * @param protocol the protocol
   * @param primary whether it is the Service's first protocol
   * @return the name
   */
  public String rule(Protocol protocol, boolean primary) {
    return primary ? lb : lb + "-" + protocol.name().toLowerCase(Locale.ROOT);
  }

  /** The address, target pool and backend service: {@code a<uid>}. @return the name */
  public String address() {
    return lb;
  }

  /** @return the target pool (external) */
  public String targetPool() {
    return lb;
  }

  /** @return the regional backend service (internal) */
  public String backendService() {
    return lb;
  }

  /** @return the traffic firewall {@code k8s-fw-a<uid>}, which also carries the checkpoint */
  public String firewall() {
    return "k8s-fw-" + lb;
  }

  /** @return the shared node health check {@code k8s-<cluster>-node} (policy Cluster) */
  public String sharedHealthCheck() {
    return "k8s-" + cluster + "-node";
  }

  /**
   * The firewall that lets Google's health checkers reach the shared check.
   *
   * @param internal internal load balancers use {@code -hc}, external ones {@code -http-hc}
   * @return the name
   */
  public String sharedHealthCheckFirewall(boolean internal) {
    return sharedHealthCheck() + (internal ? "-hc" : "-http-hc");
  }

  /** @return the per-Service health check (policy Local): {@code a<uid>} */
  public String localHealthCheck() {
    return lb;
  }

  /**
   * The firewall of the per-Service health check.
   *
   * @param internal internal: {@code a<uid>-hc}; external: {@code k8s-a<uid>-http-hc}
   * @return the name
   */
  public String localHealthCheckFirewall(boolean internal) {
    return internal ? lb + "-hc" : "k8s-" + lb + "-http-hc";
  }

  /** @return the shared unmanaged instance group of each zone {@code k8s-ig--<cluster>} */
  public String instanceGroup() {
    return "k8s-ig--" + cluster;
  }
}
