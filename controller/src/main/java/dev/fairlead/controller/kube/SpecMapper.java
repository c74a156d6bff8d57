package dev.fairlead.controller.kube;

import dev.fairlead.controller.model.SpecMapping;
import dev.fairlead.kube.vocabulary.Addresses;
import dev.fairlead.kube.vocabulary.InvalidFieldException;
import dev.fairlead.kube.vocabulary.RequestedAddresses;
import dev.fairlead.kube.vocabulary.Services;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.MetadataUse;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.SessionAffinity;
import dev.fairlead.lb.api.TrafficPolicy;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps a Service and the current backends to a provider-neutral {@link LoadBalancerSpec}, with
 * the shared Kubernetes vocabulary for what the Service asks for. No I/O, so every rule is covered
 * by table-driven tests. Anything invalid is reported as the first offending field, and the
 * controller calls no provider for it. The spec carries only the annotations and labels the
 * provider reads ({@link MetadataUse}), so other metadata changes reach no provider.
 */
public final class SpecMapper {

  /** The upstream, provider-neutral source-ranges annotation, used when the spec field is empty. */
  public static final String SOURCE_RANGES_ANNOTATION =
      "service.beta.kubernetes.io/load-balancer-source-ranges";

  private SpecMapper() {}

  /**
   * Maps a Service for a provider that reads every annotation and no label.
   *
   * @param service a Service of type LoadBalancer
   * @param backends the eligible nodes, sorted by name
   * @return the spec, or the first invalid field
   */
  public static SpecMapping map(Service service, List<BackendNode> backends) {
    return map(service, backends, MetadataUse.ALL_ANNOTATIONS);
  }

  /**
   * Maps a Service.
   *
   * @param service a Service of type LoadBalancer
   * @param backends the eligible nodes, sorted by name
   * @param metadata the annotations and labels the provider reads
   * @return the spec, or the first invalid field
   */
  public static SpecMapping map(Service service, List<BackendNode> backends, MetadataUse metadata) {
    try {
      return new SpecMapping.Valid(toSpec(service, backends, metadata));
    } catch (InvalidFieldException e) {
      return new SpecMapping.Invalid(e.field(), e.reason());
    }
  }

  private static LoadBalancerSpec toSpec(
      Service service, List<BackendNode> backends, MetadataUse metadata) {
    ServiceSpec spec = service.getSpec();
    if (spec == null) {
      throw new InvalidFieldException("spec", "is missing");
    }
    String uid = service.getMetadata().getUid();
    if (uid == null || uid.isBlank()) {
      throw new InvalidFieldException("metadata.uid", "is not set");
    }
    ServiceKey key = Services.key(service);
    Map<String, String> annotations = Services.annotations(service);
    List<IpFamily> families = ipFamilies(spec);
    List<PortMapping> ports = ports(spec);
    List<InetAddress> requested =
        RequestedAddresses.of(spec.getLoadBalancerIP(), annotations, families);
    List<Cidr> sourceRanges = sourceRanges(spec, annotations);
    TrafficPolicy policy = trafficPolicy(spec);
    // The selector decides which nodes get Local traffic; for Cluster it changes nothing.
    Map<String, String> podSelector =
        policy instanceof TrafficPolicy.Local ? Services.selector(service) : Map.of();
    SessionAffinity affinity = sessionAffinity(spec);
    try {
      return new LoadBalancerSpec(key, ports, backends, requested, sourceRanges, policy, families,
          metadata.labels(Services.labels(service)), podSelector, metadata.annotations(annotations),
          affinity);
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException("spec", e.getMessage());
    }
  }

  private static SessionAffinity sessionAffinity(ServiceSpec spec) {
    String affinity = spec.getSessionAffinity();
    if (affinity == null || affinity.isEmpty() || affinity.equals("None")) {
      return SessionAffinity.NONE;
    }
    if (affinity.equals("ClientIP")) {
      return SessionAffinity.CLIENT_IP;
    }
    throw new InvalidFieldException("spec.sessionAffinity", "'" + affinity + "' is not None or ClientIP");
  }

  private static List<PortMapping> ports(ServiceSpec spec) {
    List<ServicePort> ports = spec.getPorts();
    if (ports == null || ports.isEmpty()) {
      throw new InvalidFieldException("spec.ports", "a LoadBalancer Service needs at least one port");
    }
    boolean nodePortsOptional = Boolean.FALSE.equals(spec.getAllocateLoadBalancerNodePorts());
    List<PortMapping> result = new ArrayList<>(ports.size());
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      ServicePort port = ports.get(i);
      String field = "spec.ports[" + i + "]";
      Protocol protocol = protocol(port.getProtocol(), field + ".protocol");
      Integer number = port.getPort();
      if (number == null || number < 1 || number > 65535) {
        throw new InvalidFieldException(field + ".port", "must be between 1 and 65535, got " + number);
      }
      Integer nodePort = port.getNodePort();
      if (nodePort == null || nodePort == 0) {
        if (!nodePortsOptional) {
          throw new InvalidFieldException(field + ".nodePort", "is not allocated");
        }
        nodePort = 0;
      } else if (nodePort < 1 || nodePort > 65535) {
        throw new InvalidFieldException(field + ".nodePort", "must be between 1 and 65535, got " + nodePort);
      }
      String label = number + "/" + protocol;
      if (seen.contains(label)) {
        throw new InvalidFieldException(field, "port " + label + " is listed twice");
      }
      seen.add(label);
      result.add(
          new PortMapping(port.getName() == null ? "" : port.getName(), protocol, number, nodePort));
    }
    return result;
  }

  private static Protocol protocol(String raw, String field) {
    if (raw == null || raw.isEmpty()) {
      return Protocol.TCP; // the API server's default
    }
    return switch (raw) {
      case "TCP" -> Protocol.TCP;
      case "UDP" -> Protocol.UDP;
      case "SCTP" -> Protocol.SCTP;
      default -> throw new InvalidFieldException(field, "'" + raw + "' is not TCP, UDP or SCTP");
    };
  }

  private static List<IpFamily> ipFamilies(ServiceSpec spec) {
    List<String> raw = spec.getIpFamilies();
    if (raw == null || raw.isEmpty()) {
      // Older API servers leave ipFamilies empty; infer from the cluster IP, else IPv4.
      String clusterIp = spec.getClusterIP();
      return Addresses.parse(clusterIp).map(IpFamily::of).map(List::of)
          .orElse(List.of(IpFamily.IPV4));
    }
    List<IpFamily> families = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      IpFamily family =
          switch (String.valueOf(raw.get(i))) {
            case "IPv4" -> IpFamily.IPV4;
            case "IPv6" -> IpFamily.IPV6;
            default ->
                throw new InvalidFieldException(
                    "spec.ipFamilies[" + i + "]", "'" + raw.get(i) + "' is not IPv4 or IPv6");
          };
      if (families.contains(family)) {
        throw new InvalidFieldException("spec.ipFamilies[" + i + "]", "'" + raw.get(i) + "' is listed twice");
      }
      families.add(family);
    }
    return families;
  }

  private static List<Cidr> sourceRanges(ServiceSpec spec, Map<String, String> annotations) {
    List<String> ranges = spec.getLoadBalancerSourceRanges();
    String field = "spec.loadBalancerSourceRanges";
    if (ranges == null || ranges.isEmpty()) {
      String annotation = annotations.get(SOURCE_RANGES_ANNOTATION);
      if (annotation == null || annotation.isBlank()) {
        return List.of();
      }
      ranges = List.of(annotation.split(","));
      field = "annotation " + SOURCE_RANGES_ANNOTATION;
    }
    List<Cidr> result = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      try {
        Cidr cidr = Cidr.parse(ranges.get(i));
        if (!result.contains(cidr)) {
          result.add(cidr);
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidFieldException(field + "[" + i + "]", "'" + ranges.get(i).strip()
            + "' is not a CIDR such as 203.0.113.0/24");
      }
    }
    return result;
  }

  private static TrafficPolicy trafficPolicy(ServiceSpec spec) {
    String policy = spec.getExternalTrafficPolicy();
    if (policy == null || policy.isEmpty() || policy.equals("Cluster")) {
      return new TrafficPolicy.Cluster();
    }
    if (!policy.equals("Local")) {
      throw new InvalidFieldException(
          "spec.externalTrafficPolicy", "'" + policy + "' is not Cluster or Local");
    }
    Integer port = spec.getHealthCheckNodePort();
    if (port == null || port < 1 || port > 65535) {
      throw new InvalidFieldException(
          "spec.healthCheckNodePort", "must be allocated for externalTrafficPolicy Local");
    }
    return new TrafficPolicy.Local(port);
  }
}
