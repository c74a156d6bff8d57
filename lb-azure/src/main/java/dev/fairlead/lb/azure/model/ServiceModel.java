package dev.fairlead.lb.azure.model;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Service spec + settings to the Azure resources the Service needs, the way upstream shapes them:
 * a frontend on the shared load balancer, a rule per port and protocol, a probe per rule (TCP on
 * the node port, or HTTP {@code /healthz} on the health-check node port for {@code Local}), a
 * Standard static public IP with the ownership tags, and what the security group must admit.
 * Pure: no I/O, no SDK types.
 */
public final class ServiceModel {
  /** Upstream's default probe interval. */
  public static final int PROBE_INTERVAL = 5;
  /** Upstream's default number of failed probes. */
  public static final int PROBE_COUNT = 2;

  private ServiceModel() {}

  /**
   * Builds what a Service needs.
   *
   * @param spec the Service's load balancer spec
   * @param topology where the cluster's resources live
   * @return the desired resources
   * @throws UnsupportedFeatureException for an invalid annotation or a spec Azure cannot serve
   */
  public static DesiredService build(LoadBalancerSpec spec, Topology topology) {
    ServiceOptions options = Annotations.parse(spec.annotations(), spec.ports());
    String owner = Names.owner(spec.service());
    String frontend = Names.frontend(spec.service(), options.internalSubnet().orElse(null));
    boolean local = spec.trafficPolicy() instanceof TrafficPolicy.Local;
    List<LbDocument.Rule> rules = new ArrayList<>();
    Map<String, LbDocument.Probe> probes = new LinkedHashMap<>();
    for (PortMapping port : spec.ports()) {
      if (port.protocol() == Protocol.SCTP) {
        throw new UnsupportedFeatureException("port " + port.label() + ": Azure load balancers do not support SCTP");
      }
      if (options.noRule().contains(port.port())) {
        continue;
      }
      if (!options.floatingIp() && port.nodePort() == 0) {
        throw new UnsupportedFeatureException("port " + port.label() + " has no node port, which "
            + Annotations.DISABLE_FLOATING_IP + " needs (allocateLoadBalancerNodePorts is false)");
      }
      String name = Names.rule(frontend, port.protocol(), port.port());
      Optional<LbDocument.Probe> probe = probe(name, port, spec, options, local);
      probe.ifPresent(p -> probes.put(p.name(), p));
      rules.add(new LbDocument.Rule(name, frontend, protocol(port.protocol()), port.port(),
          options.floatingIp() ? port.port() : port.nodePort(), Names.pool(topology.cluster()),
          probe.map(LbDocument.Probe::name), options.floatingIp(), options.idleTimeoutMinutes(),
          options.tcpReset() && port.protocol() == Protocol.TCP, loadDistribution(spec)));
    }
    if (rules.isEmpty()) {
      throw new UnsupportedFeatureException("every port has " + Annotations.PREFIX
          + "port_<port>_no_lb_rule: the load balancer would serve nothing");
    }

    Optional<String> requested = options.requestedIpv4();
    for (InetAddress address : spec.requestedAddresses()) {
      if (!(address instanceof Inet4Address)) {
        throw new UnsupportedFeatureException("requested address " + address.getHostAddress()
            + ": this provider serves IPv4 only");
      }
      if (requested.isPresent() && !requested.get().equals(address.getHostAddress())) {
        throw new UnsupportedFeatureException("annotation " + Annotations.IPV4 + ": '" + requested.get()
            + "' differs from spec.loadBalancerIP " + address.getHostAddress());
      }
      requested = Optional.of(address.getHostAddress());
    }

    Optional<DesiredService.PublicIpChoice> publicIp = Optional.empty();
    Optional<LbDocument.Target.Subnet> subnet = Optional.empty();
    if (options.internal()) {
      subnet = Optional.of(new LbDocument.Target.Subnet(
          topology.subnetId(options.internalSubnet().orElse(topology.subnetName())), requested));
    } else {
      String group = options.publicIpResourceGroup().orElse(topology.resourceGroup());
      if (requested.isPresent() && options.publicIpName().isEmpty()) {
        publicIp = Optional.of(new DesiredService.PublicIpChoice.ByAddress(group, requested.get()));
      } else {
        Map<String, String> tags = new LinkedHashMap<>(options.publicIpTags());
        tags.put(Names.SERVICE_TAG, spec.service().qualifiedName());
        tags.put(Names.CLUSTER_TAG, topology.cluster());
        publicIp = Optional.of(new DesiredService.PublicIpChoice.Named(new DesiredService.DesiredPublicIp(group,
            options.publicIpName().orElse(Names.publicIp(topology.cluster(), spec.service())), tags,
            options.dnsLabel(), options.publicIpName().isPresent())));
      }
    }

    List<LbDocument.PoolAddress> backends = new ArrayList<>();
    for (BackendNode node : spec.backends()) {
      node.addresses().stream().filter(Inet4Address.class::isInstance).findFirst()
          .ifPresent(a -> backends.add(new LbDocument.PoolAddress(node.name(), a.getHostAddress())));
    }
    backends.sort(java.util.Comparator.comparing(LbDocument.PoolAddress::name));

    Set<String> nodePorts = new HashSet<>();
    spec.ports().stream().filter(p -> p.nodePort() > 0).forEach(p -> nodePorts.add(Integer.toString(p.nodePort())));
    List<NsgChange.Key> keys = topology.securityGroup().isPresent()
        ? securityKeys(spec, options) : List.of();
    return new DesiredService(spec.service(), owner, options.internal(),
        Names.loadBalancer(topology.cluster(), options.internal()), frontend, rules, List.copyOf(probes.values()),
        publicIp, subnet, backends, keys, !options.sharedSecurityRule(), nodePorts);
  }

  private static Optional<LbDocument.Probe> probe(String name, PortMapping port, LoadBalancerSpec spec,
      ServiceOptions options, boolean local) {
    if (options.noProbe().contains(port.port())) {
      return Optional.empty();
    }
    ServiceOptions.ProbeSettings perPort = options.portProbes().getOrDefault(port.port(),
        ServiceOptions.ProbeSettings.none());
    ServiceOptions.ProbeSettings service = options.probe();
    int interval = perPort.intervalSeconds().orElse(service.intervalSeconds().orElse(PROBE_INTERVAL));
    int count = perPort.numberOfProbes().orElse(service.numberOfProbes().orElse(PROBE_COUNT));
    if (local && spec.trafficPolicy() instanceof TrafficPolicy.Local l) {
      // kube-proxy answers /healthz on the health-check node port only where endpoints are ready.
      return Optional.of(new LbDocument.Probe(name, "Http", l.healthCheckNodePort(), Optional.of("/healthz"),
          interval, count));
    }
    Optional<String> protocol = perPort.protocol().or(service::protocol);
    if (protocol.isEmpty() && port.protocol() == Protocol.UDP && perPort.port().isEmpty()) {
      return Optional.empty(); // nothing listens for TCP on a UDP node port; Azure cannot probe UDP
    }
    String chosen = protocol.orElse("Tcp");
    int probePort = perPort.port().map(p -> resolvePort(p, spec)).orElse(port.nodePort());
    if (probePort == 0) {
      throw new UnsupportedFeatureException("port " + port.label() + " has no node port to probe; set "
          + Annotations.PREFIX + "port_" + port.port() + "_health-probe_port or allocate node ports");
    }
    Optional<String> path = chosen.equals("Tcp") ? Optional.empty()
        : Optional.of(perPort.requestPath().or(service::requestPath).orElse("/"));
    return Optional.of(new LbDocument.Probe(name, chosen, probePort, path, interval, count));
  }

  /** A probe port annotation: a Service port's name or number means its node port. */
  private static int resolvePort(String value, LoadBalancerSpec spec) {
    for (PortMapping p : spec.ports()) {
      if (p.name().equals(value) || Integer.toString(p.port()).equals(value)) {
        return p.nodePort();
      }
    }
    return Integer.parseInt(value);
  }

  private static List<NsgChange.Key> securityKeys(LoadBalancerSpec spec, ServiceOptions options) {
    Set<String> cidrs = new TreeSet<>(options.ipRanges());
    for (Cidr c : spec.sourceRanges()) {
      if (!(c.address() instanceof Inet4Address)) {
        throw new UnsupportedFeatureException("loadBalancerSourceRanges: " + c + " is not IPv4; this provider"
            + " serves IPv4 only");
      }
      cidrs.add(c.toString());
    }
    List<List<String>> sourceSets = new ArrayList<>();
    options.serviceTags().forEach(tag -> sourceSets.add(List.of(tag)));
    if (!cidrs.isEmpty()) {
      sourceSets.add(List.copyOf(cidrs));
    }
    if (sourceSets.isEmpty()) {
      if (options.internal()) {
        return List.of(); // the group's default AllowVnetInBound already admits clients in the network
      }
      sourceSets.add(List.of("Internet"));
    }
    Map<String, Set<Integer>> portsByProtocol = new LinkedHashMap<>();
    for (PortMapping p : spec.ports()) {
      if (options.noRule().contains(p.port())) {
        continue;
      }
      int port = options.floatingIp() ? p.port() : p.nodePort();
      portsByProtocol.computeIfAbsent(protocol(p.protocol()), k -> new TreeSet<>()).add(port);
    }
    List<NsgChange.Key> keys = new ArrayList<>();
    for (List<String> sources : sourceSets) {
      portsByProtocol.forEach((protocol, ports) -> keys.add(new NsgChange.Key(protocol, sources,
          ports.stream().map(String::valueOf).toList(), !options.floatingIp())));
    }
    return keys;
  }

  private static String protocol(Protocol protocol) {
    String lower = protocol.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }

  /** ClientIP affinity is Azure's source-IP distribution (2-tuple hash), as upstream maps it. */
  private static String loadDistribution(LoadBalancerSpec spec) {
    return switch (spec.sessionAffinity()) {
      case NONE -> "Default";
      case CLIENT_IP -> "SourceIP";
    };
  }
}
