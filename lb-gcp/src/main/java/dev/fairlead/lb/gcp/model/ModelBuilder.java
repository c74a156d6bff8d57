package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.cloud.Fingerprint;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Service spec + settings -> {@link LbModel}. Pure; every refusal is an {@link
 * InvalidServiceException} that names the field or annotation, raised before any cloud call.
 */
public final class ModelBuilder {
  /** kube-proxy's health port, probed by the shared node check for policy Cluster. */
  public static final int KUBE_PROXY_HEALTH_PORT = 10256;
  /** Google's health-checker ranges (upstream's defaults, --cloud-provider-gce-lb-src-cidrs). */
  public static final List<String> HEALTH_CHECK_RANGES =
      List.of("130.211.0.0/22", "35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22");
  /** Internal forwarding rules list at most this many ports; more become {@code allPorts}. */
  public static final int MAX_INTERNAL_PORTS = 5;

  private ModelBuilder() {}

  /**
   * Builds the model.
   *
   * @param spec the Service's spec
   * @param settings the provider settings
   * @param cluster the cluster name
   * @return the model
   * @throws InvalidServiceException if the Service asks for something impossible
   */
  public static LbModel build(LoadBalancerSpec spec, GcpSettings settings, String cluster) {
    ServiceOptions options = ServiceOptions.of(spec);
    Names names = Names.of(cluster, spec.service());
    for (IpFamily family : spec.ipFamilies()) {
      if (family != IpFamily.IPV4) {
        throw new InvalidServiceException("spec.ipFamilies: " + family
            + " is not supported by the gcp provider's target-pool and internal passthrough load balancers");
      }
    }
    if (spec.requestedAddresses().size() > 1) {
      throw new InvalidServiceException("spec.loadBalancerIP: one address at most, got " + spec.requestedAddresses());
    }
    Optional<String> requested = spec.requestedAddresses().stream().findFirst().map(IpLiteral::format);
    Map<Protocol, List<PortMapping>> byProtocol = new TreeMap<>();
    for (PortMapping port : spec.ports()) {
      if (port.protocol() == Protocol.SCTP) {
        throw new InvalidServiceException("spec.ports[" + port.label() + "]: SCTP is not supported by Google Cloud"
            + " passthrough load balancers; use TCP or UDP");
      }
      byProtocol.computeIfAbsent(port.protocol(), p -> new ArrayList<>()).add(port);
    }
    if (options.internal() && byProtocol.size() > 1) {
      throw new InvalidServiceException("spec.ports: an internal load balancer serves one protocol, got "
          + byProtocol.keySet() + " (" + ServiceOptions.TYPE + ": Internal)");
    }
    String affinity = affinity(spec);
    List<LbModel.Rule> rules = new ArrayList<>();
    boolean primary = true;
    Map<Protocol, List<String>> allowed = new EnumMap<>(Protocol.class);
    for (Map.Entry<Protocol, List<PortMapping>> entry : byProtocol.entrySet()) {
      SortedSet<Integer> ports = new TreeSet<>();
      entry.getValue().forEach(p -> ports.add(p.port()));
      allowed.put(entry.getKey(), ports.stream().map(String::valueOf).toList());
      String name = names.rule(entry.getKey(), primary);
      if (options.internal()) {
        boolean all = ports.size() > MAX_INTERNAL_PORTS;
        rules.add(new LbModel.Rule(name, entry.getKey(), Optional.empty(),
            all ? List.of() : ports.stream().map(String::valueOf).toList(), all,
            Optional.of(options.subnetwork().orElse(settings.subnetwork())), options.allowGlobalAccess()));
      } else {
        rules.add(new LbModel.Rule(name, entry.getKey(), Optional.of(ports.first() + "-" + ports.last()), List.of(),
            false, Optional.empty(), false));
      }
      primary = false;
    }
    boolean local = spec.trafficPolicy() instanceof TrafficPolicy.Local;
    int healthPort = spec.trafficPolicy() instanceof TrafficPolicy.Local(int port) ? port : KUBE_PROXY_HEALTH_PORT;
    LbModel.HealthCheck healthCheck = new LbModel.HealthCheck(
        local ? names.localHealthCheck() : names.sharedHealthCheck(), healthPort, "/healthz", !local, !options.internal());
    LbModel.FirewallRule healthFirewall = new LbModel.FirewallRule(
        local ? names.localHealthCheckFirewall(options.internal()) : names.sharedHealthCheckFirewall(options.internal()),
        Map.of(Protocol.TCP, List.of(String.valueOf(healthPort))), HEALTH_CHECK_RANGES, false);
    List<String> sources = spec.sourceRanges().isEmpty() ? List.of("0.0.0.0/0")
        : spec.sourceRanges().stream().map(Cidr::toString).sorted().toList();
    for (Cidr range : spec.sourceRanges()) {
      if (range.family() != IpFamily.IPV4) {
        throw new InvalidServiceException("spec.loadBalancerSourceRanges: " + range + " is IPv6; the load balancer is IPv4");
      }
    }
    LbModel.FirewallRule firewall = new LbModel.FirewallRule(names.firewall(), allowed, sources, true);
    Optional<LbModel.TargetPool> pool = options.internal() ? Optional.empty()
        : Optional.of(new LbModel.TargetPool(names.targetPool(), affinity, healthCheck.name()));
    Optional<LbModel.BackendService> backendService = options.internal()
        ? Optional.of(new LbModel.BackendService(names.backendService(), rules.getFirst().protocol(), affinity,
            healthCheck.name(), names.instanceGroup()))
        : Optional.empty();
    SortedSet<InstanceRef> instances = instances(spec, settings);
    boolean keepAddress = rules.size() > 1;
    String fingerprint = Fingerprint.prefix(16, "gcp-lb-v1", cluster, spec.service().uid(),
        String.valueOf(options.internal()), requested.orElse(""), options.tier().name(), rules.toString(),
        String.valueOf(keepAddress), healthCheck.toString(), healthFirewall.toString(), pool.toString(),
        backendService.toString(), firewall.toString(), settings.network());
    return new LbModel(spec.service(), names, options.internal(), requested, options.tier(), rules, keepAddress,
        healthCheck, healthFirewall, pool, backendService, firewall, instances, fingerprint);
  }

  /**
   * The instances behind the backends of a spec, in the provider's region.
   *
   * @param spec the spec
   * @param settings the settings
   * @return the instances
   * @throws InvalidServiceException if a node is not a GCE instance of the region
   */
  public static SortedSet<InstanceRef> instances(LoadBalancerSpec spec, GcpSettings settings) {
    SortedSet<InstanceRef> out = new TreeSet<>();
    for (BackendNode node : spec.backends()) {
      InstanceRef ref = InstanceRef.of(node).orElseThrow(() -> new InvalidServiceException("node " + node.name()
          + ": spec.providerID '" + node.providerId() + "' is not gce://<project>/<zone>/<instance>"));
      if (!ref.region().equals(settings.region())) {
        throw new InvalidServiceException("node " + node.name() + " is in zone " + ref.zone()
            + ", outside the load balancers' region " + settings.region());
      }
      out.add(ref);
    }
    return out;
  }

  private static String affinity(LoadBalancerSpec spec) {
    return switch (spec.sessionAffinity()) {
      case NONE -> "NONE";
      case CLIENT_IP -> "CLIENT_IP";
    };
  }
}
