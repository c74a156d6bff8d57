package dev.fairlead.controller.model;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.TrafficPolicy;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps a Service and the current backends to a provider-neutral {@link LoadBalancerSpec}. Pure:
 * no I/O, so every rule is covered by table-driven tests. Anything invalid is reported as the first
 * offending field, and the controller calls no provider for it.
 */
public final class SpecMapper {

  /** Asks for several addresses (one per family for dual-stack), comma-separated. */
  public static final String ADDRESSES_ANNOTATION = "fairlead.dev/load-balancer-ips";

  /** The upstream, provider-neutral source-ranges annotation, used when the spec field is empty. */
  public static final String SOURCE_RANGES_ANNOTATION =
      "service.beta.kubernetes.io/load-balancer-source-ranges";

  private SpecMapper() {}

  /** Thrown inside the mapper to stop at the first invalid field. */
  private static final class InvalidField extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient SpecMapping.Invalid invalid;

    InvalidField(String field, String reason) {
      super(field + ": " + reason, null, false, false);
      this.invalid = new SpecMapping.Invalid(field, reason);
    }
  }

  /**
   * Maps a Service.
   *
   * @param service a Service of type LoadBalancer
   * @param backends the eligible nodes, sorted by name
   * @return the spec, or the first invalid field
   */
  public static SpecMapping map(Service service, List<BackendNode> backends) {
    try {
      return new SpecMapping.Valid(toSpec(service, backends));
    } catch (InvalidField e) {
      return e.invalid;
    }
  }

  private static LoadBalancerSpec toSpec(Service service, List<BackendNode> backends) {
    ServiceSpec spec = service.getSpec();
    if (spec == null) {
      throw new InvalidField("spec", "is missing");
    }
    var metadata = service.getMetadata();
    if (metadata.getUid() == null || metadata.getUid().isBlank()) {
      throw new InvalidField("metadata.uid", "is not set");
    }
    ServiceKey key = new ServiceKey(metadata.getNamespace(), metadata.getName(), metadata.getUid());
    Map<String, String> annotations =
        metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
    List<IpFamily> families = ipFamilies(spec);
    List<PortMapping> ports = ports(spec);
    List<InetAddress> requested = requestedAddresses(spec, annotations, families);
    List<Cidr> sourceRanges = sourceRanges(spec, annotations);
    TrafficPolicy policy = trafficPolicy(spec);
    try {
      return new LoadBalancerSpec(
          key, ports, backends, requested, sourceRanges, policy, families, annotations);
    } catch (IllegalArgumentException e) {
      throw new InvalidField("spec", e.getMessage());
    }
  }

  private static List<PortMapping> ports(ServiceSpec spec) {
    List<ServicePort> ports = spec.getPorts();
    if (ports == null || ports.isEmpty()) {
      throw new InvalidField("spec.ports", "a LoadBalancer Service needs at least one port");
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
        throw new InvalidField(field + ".port", "must be between 1 and 65535, got " + number);
      }
      Integer nodePort = port.getNodePort();
      if (nodePort == null || nodePort == 0) {
        if (!nodePortsOptional) {
          throw new InvalidField(field + ".nodePort", "is not allocated");
        }
        nodePort = 0;
      } else if (nodePort < 1 || nodePort > 65535) {
        throw new InvalidField(field + ".nodePort", "must be between 1 and 65535, got " + nodePort);
      }
      String label = number + "/" + protocol;
      if (seen.contains(label)) {
        throw new InvalidField(field, "port " + label + " is listed twice");
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
      default -> throw new InvalidField(field, "'" + raw + "' is not TCP, UDP or SCTP");
    };
  }

  private static List<IpFamily> ipFamilies(ServiceSpec spec) {
    List<String> raw = spec.getIpFamilies();
    if (raw == null || raw.isEmpty()) {
      // Older API servers leave ipFamilies empty; infer from the cluster IP, else IPv4.
      String clusterIp = spec.getClusterIP();
      return BackendSelector.parseLiteral(clusterIp).map(IpFamily::of).map(List::of)
          .orElse(List.of(IpFamily.IPV4));
    }
    List<IpFamily> families = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      IpFamily family =
          switch (String.valueOf(raw.get(i))) {
            case "IPv4" -> IpFamily.IPV4;
            case "IPv6" -> IpFamily.IPV6;
            default ->
                throw new InvalidField(
                    "spec.ipFamilies[" + i + "]", "'" + raw.get(i) + "' is not IPv4 or IPv6");
          };
      if (families.contains(family)) {
        throw new InvalidField("spec.ipFamilies[" + i + "]", "'" + raw.get(i) + "' is listed twice");
      }
      families.add(family);
    }
    return families;
  }

  private static List<InetAddress> requestedAddresses(
      ServiceSpec spec, Map<String, String> annotations, List<IpFamily> families) {
    String single = spec.getLoadBalancerIP();
    String several = annotations.get(ADDRESSES_ANNOTATION);
    boolean hasSingle = single != null && !single.isBlank();
    if (hasSingle && several != null && !several.isBlank()) {
      throw new InvalidField(
          ADDRESSES_ANNOTATION, "cannot be combined with spec.loadBalancerIP; use one of them");
    }
    List<InetAddress> result = new ArrayList<>();
    if (hasSingle) {
      result.add(address(single, "spec.loadBalancerIP"));
    } else if (several != null && !several.isBlank()) {
      for (String part : several.split(",")) {
        InetAddress address = address(part, "annotation " + ADDRESSES_ANNOTATION);
        if (result.stream().anyMatch(a -> IpFamily.of(a) == IpFamily.of(address))) {
          throw new InvalidField(
              "annotation " + ADDRESSES_ANNOTATION, "lists more than one " + IpFamily.of(address)
                  + " address");
        }
        result.add(address);
      }
    }
    String field = hasSingle ? "spec.loadBalancerIP" : "annotation " + ADDRESSES_ANNOTATION;
    for (InetAddress address : result) {
      if (!families.contains(IpFamily.of(address))) {
        throw new InvalidField(
            field,
            IpLiteral.format(address) + " is " + IpFamily.of(address)
                + " but the Service's ipFamilies are " + families);
      }
    }
    return result;
  }

  private static InetAddress address(String text, String field) {
    return BackendSelector.parseLiteral(text)
        .orElseThrow(() -> new InvalidField(field, "'" + text.strip() + "' is not an IP address"));
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
        throw new InvalidField(field + "[" + i + "]", "'" + ranges.get(i).strip()
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
      throw new InvalidField(
          "spec.externalTrafficPolicy", "'" + policy + "' is not Cluster or Local");
    }
    Integer port = spec.getHealthCheckNodePort();
    if (port == null || port < 1 || port > 65535) {
      throw new InvalidField(
          "spec.healthCheckNodePort", "must be allocated for externalTrafficPolicy Local");
    }
    return new TrafficPolicy.Local(port);
  }
}
