package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The Compute resources one Service's load balancer should consist of: pure values, built by
 * {@link ModelBuilder} from the Service and the settings, compared with what exists by {@link
 * Planner}.
 *
 * @param service the Service
 * @param names its resource names
 * @param internal whether it is an internal (INTERNAL scheme) load balancer
 * @param requestedIp the user's own static address ({@code spec.loadBalancerIP}), never released
 * @param tier the network tier (external)
 * @param rules one forwarding rule per protocol; the first is the primary
 * @param keepAddress whether the address {@code a<uid>} stays reserved for the whole life of the
 *     load balancer (two rules share one address only if it is reserved)
 * @param healthCheck the health check the target pool or backend service uses
 * @param healthCheckFirewall lets Google's health checkers reach the nodes
 * @param pool the target pool (external)
 * @param backendService the backend service (internal)
 * @param firewall the traffic firewall (destination: the load balancer's address)
 * @param instances the backends
 * @param fingerprint digest of everything but the backends and the node tags (the checkpoint)
 */
public record LbModel(
    ServiceKey service,
    Names names,
    boolean internal,
    Optional<String> requestedIp,
    ServiceOptions.Tier tier,
    List<Rule> rules,
    boolean keepAddress,
    HealthCheck healthCheck,
    FirewallRule healthCheckFirewall,
    Optional<TargetPool> pool,
    Optional<BackendService> backendService,
    FirewallRule firewall,
    SortedSet<InstanceRef> instances,
    String fingerprint) {

  /** Copies the collections. */
  public LbModel {
    Objects.requireNonNull(service, "service");
    rules = List.copyOf(rules);
    instances = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(instances));
  }

  /**
   * The same model with other backends.
   *
   * @param backends the instances
   * @return a copy
   */
  public LbModel withInstances(SortedSet<InstanceRef> backends) {
    return new LbModel(service, names, internal, requestedIp, tier, rules, keepAddress, healthCheck,
        healthCheckFirewall, pool, backendService, firewall, backends, fingerprint);
  }

  /**
   * The zones the backends are in.
   *
   * @return sorted zones
   */
  public SortedSet<String> zones() {
    TreeSet<String> zones = new TreeSet<>();
    instances.forEach(i -> zones.add(i.zone()));
    return zones;
  }

  /**
   * One forwarding rule.
   *
   * @param name its name
   * @param protocol TCP or UDP
   * @param portRange {@code min-max} of the ports (external; upstream's form)
   * @param ports up to five ports (internal)
   * @param allPorts all ports (internal with more than five)
   * @param subnetwork the subnetwork (internal)
   * @param allowGlobalAccess global access (internal)
   */
  public record Rule(String name, Protocol protocol, Optional<String> portRange, List<String> ports, boolean allPorts,
      Optional<String> subnetwork, boolean allowGlobalAccess) {
    /** Copies the ports. */
    public Rule {
      ports = List.copyOf(ports);
    }
  }

  /**
   * A health check.
   *
   * @param name its name
   * @param port the port probed
   * @param path the HTTP path
   * @param shared whether it is the cluster's shared node check
   * @param legacy true for {@code httpHealthChecks} (target pools), false for {@code healthChecks}
   */
  public record HealthCheck(String name, int port, String path, boolean shared, boolean legacy) {
    /** Upstream's settings (gce.go): every 8 s, 1 s timeout, healthy after 1, unhealthy after 3. */
    public static final int INTERVAL = 8;
    /** Probe timeout in seconds. */
    public static final int TIMEOUT = 1;
    /** Successes to become healthy. */
    public static final int HEALTHY = 1;
    /** Failures to become unhealthy. */
    public static final int UNHEALTHY = 3;
  }

  /**
   * A firewall rule for ingress to the nodes.
   *
   * @param name its name
   * @param allowed ports per protocol ({@code 80}, {@code 8000-8080})
   * @param sourceRanges the source CIDRs
   * @param toLoadBalancer whether the destination is the load balancer's address (traffic rule)
   */
  public record FirewallRule(String name, Map<Protocol, List<String>> allowed, List<String> sourceRanges,
      boolean toLoadBalancer) {
    /** Copies. */
    public FirewallRule {
      allowed = Map.copyOf(allowed);
      sourceRanges = List.copyOf(sourceRanges);
    }
  }

  /**
   * A target pool.
   *
   * @param name its name
   * @param sessionAffinity {@code NONE} or {@code CLIENT_IP}
   * @param healthCheck the legacy HTTP health check's name
   */
  public record TargetPool(String name, String sessionAffinity, String healthCheck) {}

  /**
   * A regional INTERNAL backend service on the cluster's instance groups.
   *
   * @param name its name
   * @param protocol TCP or UDP
   * @param sessionAffinity {@code NONE} or {@code CLIENT_IP}
   * @param healthCheck the health check's name
   * @param instanceGroup the shared instance groups' name (one per zone)
   */
  public record BackendService(String name, Protocol protocol, String sessionAffinity, String healthCheck,
      String instanceGroup) {}
}
