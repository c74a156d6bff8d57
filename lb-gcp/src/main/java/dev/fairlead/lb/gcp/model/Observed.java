package dev.fairlead.lb.gcp.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What exists of one Service's load balancer, as the executors read it (by name), in plain values.
 *
 * @param rules forwarding rules by name
 * @param address the address {@code a<uid>}, if reserved
 * @param pool the target pool
 * @param backendService the backend service
 * @param firewall the traffic firewall
 * @param localHealthCheck the per-Service health check (legacy or modern)
 * @param localHealthCheckFirewall its firewall
 */
public record Observed(
    Map<String, Rule> rules,
    Optional<Address> address,
    Optional<Pool> pool,
    Optional<BackendService> backendService,
    Optional<Firewall> firewall,
    Optional<HealthCheck> localHealthCheck,
    Optional<Firewall> localHealthCheckFirewall) {

  /** Copies. */
  public Observed {
    rules = Map.copyOf(rules);
  }

  /** Nothing exists. */
  public static final Observed NOTHING =
      new Observed(Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty());

  /**
   * Whether any part exists.
   *
   * @return true if something exists
   */
  public boolean any() {
    return !rules.isEmpty() || address.isPresent() || pool.isPresent() || backendService.isPresent()
        || firewall.isPresent() || localHealthCheck.isPresent() || localHealthCheckFirewall.isPresent();
  }

  /**
   * A forwarding rule.
   *
   * @param name name
   * @param ip its address
   * @param protocol {@code TCP}, {@code UDP}
   * @param portRange {@code 80-443} or empty
   * @param ports listed ports
   * @param allPorts all ports
   * @param targetName the target pool's name, or empty
   * @param backendServiceName the backend service's name, or empty
   * @param scheme {@code EXTERNAL} or {@code INTERNAL}
   * @param tier the network tier (external)
   * @param subnetworkName the subnetwork's name (internal)
   * @param allowGlobalAccess global access (internal)
   * @param description the description
   */
  public record Rule(String name, String ip, String protocol, String portRange, List<String> ports, boolean allPorts,
      String targetName, String backendServiceName, String scheme, String tier, String subnetworkName,
      boolean allowGlobalAccess, String description) {
    /** Copies. */
    public Rule {
      ports = List.copyOf(ports);
    }
  }

  /**
   * A static address.
   *
   * @param name name
   * @param ip the address
   * @param internal whether INTERNAL
   * @param tier the tier (external)
   * @param inUse whether a rule uses it
   */
  public record Address(String name, String ip, boolean internal, String tier, boolean inUse) {}

  /**
   * A target pool.
   *
   * @param name name
   * @param sessionAffinity affinity
   * @param healthChecks health check names
   * @param instances members
   */
  public record Pool(String name, String sessionAffinity, List<String> healthChecks, Set<InstanceRef> instances) {
    /** Copies. */
    public Pool {
      healthChecks = List.copyOf(healthChecks);
      instances = Set.copyOf(instances);
    }
  }

  /**
   * A backend service.
   *
   * @param name name
   * @param protocol protocol
   * @param sessionAffinity affinity
   * @param healthChecks health check names
   * @param groupZones zones of its instance-group backends
   * @param fingerprint for updates
   */
  public record BackendService(String name, String protocol, String sessionAffinity, List<String> healthChecks,
      Set<String> groupZones, String fingerprint) {
    /** Copies. */
    public BackendService {
      healthChecks = List.copyOf(healthChecks);
      groupZones = Set.copyOf(groupZones);
    }
  }

  /**
   * A firewall rule.
   *
   * @param name name
   * @param allowed ports per protocol (lower-case protocol keys as the API has them)
   * @param sourceRanges sources
   * @param targetTags target tags
   * @param destinationRanges destinations
   * @param description description (with the checkpoint for the traffic rule)
   */
  public record Firewall(String name, Map<String, List<String>> allowed, List<String> sourceRanges,
      List<String> targetTags, List<String> destinationRanges, String description) {
    /** Copies. */
    public Firewall {
      allowed = Map.copyOf(allowed);
      sourceRanges = List.copyOf(sourceRanges);
      targetTags = List.copyOf(targetTags);
      destinationRanges = List.copyOf(destinationRanges);
    }
  }

  /**
   * A health check.
   *
   * @param name name
   * @param port port
   * @param path request path
   * @param legacy whether it is an {@code httpHealthCheck}
   */
  public record HealthCheck(String name, int port, String path, boolean legacy) {}
}
