package dev.fairlead.lb.api;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The load balancer a Service asks for, in provider-neutral terms.
 *
 * @param service the Service
 * @param ports the ports to serve; at least one, no (protocol, port) twice
 * @param backends the nodes to forward to, sorted by name, each name once (the controller builds
 *     them from a map keyed by name; not re-checked here because specs are built on every
 *     reconcile and clusters have thousands of nodes); may be empty
 * @param requestedAddresses addresses the Service asks for ({@code spec.loadBalancerIP} or a
 *     provider annotation); empty to let the provider choose
 * @param sourceRanges client networks allowed in; empty means everyone
 * @param trafficPolicy the external traffic policy
 * @param ipFamilies the Service's IP families, primary first; one or two, no repeats
 * @param labels the Service's labels that the provider reads (see {@link
 *     LoadBalancerProvider#metadataUse()}; none by default)
 * @param podSelector with {@code externalTrafficPolicy: Local}, the Service's {@code spec.selector}:
 *     two Local Services reach the same nodes only if they select the same pods; empty otherwise
 * @param annotations the Service's annotations that the provider reads (all by default); each
 *     provider reads only its documented keys
 * @param sessionAffinity the Service's {@code spec.sessionAffinity}
 */
public record LoadBalancerSpec(
    ServiceKey service,
    List<PortMapping> ports,
    List<BackendNode> backends,
    List<InetAddress> requestedAddresses,
    List<Cidr> sourceRanges,
    TrafficPolicy trafficPolicy,
    List<IpFamily> ipFamilies,
    Map<String, String> labels,
    Map<String, String> podSelector,
    Map<String, String> annotations,
    SessionAffinity sessionAffinity) {

  /** Validates and copies every collection, so no caller can change a spec after the fact. */
  public LoadBalancerSpec {
    Objects.requireNonNull(service, "service");
    ports = List.copyOf(ports);
    backends = List.copyOf(backends);
    requestedAddresses = List.copyOf(requestedAddresses);
    sourceRanges = List.copyOf(sourceRanges);
    Objects.requireNonNull(trafficPolicy, "trafficPolicy");
    ipFamilies = List.copyOf(ipFamilies);
    labels = Map.copyOf(labels);
    podSelector = Map.copyOf(podSelector);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(sessionAffinity, "sessionAffinity");

    if (ports.isEmpty()) {
      throw new IllegalArgumentException("a load balancer needs at least one port");
    }
    Set<String> seen = new HashSet<>();
    for (PortMapping port : ports) {
      if (!seen.add(port.label())) {
        throw new IllegalArgumentException("port " + port.label() + " appears twice");
      }
    }
    if (ipFamilies.isEmpty() || ipFamilies.size() > 2 || Set.copyOf(ipFamilies).size() != ipFamilies.size()) {
      throw new IllegalArgumentException(
          "ipFamilies must list one or two distinct families, got " + ipFamilies);
    }
    if (Set.copyOf(requestedAddresses).size() != requestedAddresses.size()) {
      throw new IllegalArgumentException("requested addresses repeat: " + requestedAddresses);
    }
    for (InetAddress address : requestedAddresses) {
      if (!ipFamilies.contains(IpFamily.of(address))) {
        throw new IllegalArgumentException(
            "requested address "
                + IpLiteral.format(address)
                + " is not of the Service's IP families "
                + ipFamilies);
      }
    }
  }

  /**
   * A spec without labels or pod selector, as before they were part of the spec.
   *
   * @param service the Service
   * @param ports the ports to serve
   * @param backends the nodes to forward to
   * @param requestedAddresses addresses the Service asks for
   * @param sourceRanges client networks allowed in
   * @param trafficPolicy the external traffic policy
   * @param ipFamilies the Service's IP families
   * @param annotations the Service's annotations
   */
  public LoadBalancerSpec(
      ServiceKey service,
      List<PortMapping> ports,
      List<BackendNode> backends,
      List<InetAddress> requestedAddresses,
      List<Cidr> sourceRanges,
      TrafficPolicy trafficPolicy,
      List<IpFamily> ipFamilies,
      Map<String, String> annotations) {
    this(service, ports, backends, requestedAddresses, sourceRanges, trafficPolicy, ipFamilies,
        Map.of(), Map.of(), annotations, SessionAffinity.NONE);
  }

  /**
   * A spec without session affinity (the form before {@code sessionAffinity} was added).
   *
   * @param service the Service
   * @param ports the ports to serve
   * @param backends the nodes to forward to
   * @param requestedAddresses addresses the Service asks for
   * @param sourceRanges client networks allowed in
   * @param trafficPolicy the external traffic policy
   * @param ipFamilies the Service's IP families
   * @param labels the Service's labels that the provider reads
   * @param podSelector the pod selector (for {@code Local})
   * @param annotations the Service's annotations that the provider reads
   */
  public LoadBalancerSpec(
      ServiceKey service,
      List<PortMapping> ports,
      List<BackendNode> backends,
      List<InetAddress> requestedAddresses,
      List<Cidr> sourceRanges,
      TrafficPolicy trafficPolicy,
      List<IpFamily> ipFamilies,
      Map<String, String> labels,
      Map<String, String> podSelector,
      Map<String, String> annotations) {
    this(service, ports, backends, requestedAddresses, sourceRanges, trafficPolicy, ipFamilies,
        labels, podSelector, annotations, SessionAffinity.NONE);
  }

  /**
   * The same spec with other backends.
   *
   * @param newBackends the backends
   * @return a copy with {@code newBackends}
   */
  public LoadBalancerSpec withBackends(List<BackendNode> newBackends) {
    return new LoadBalancerSpec(
        service,
        ports,
        newBackends,
        requestedAddresses,
        sourceRanges,
        trafficPolicy,
        ipFamilies,
        labels,
        podSelector,
        annotations,
        sessionAffinity);
  }

  /**
   * Whether {@code other} differs from this spec in its backends at most, which is when the
   * controller calls {@link LoadBalancerProvider#updateBackends} instead of {@code ensure}.
   *
   * @param other another spec
   * @return true if everything but the backends is equal
   */
  public boolean sameExceptBackends(LoadBalancerSpec other) {
    return other != null && withBackends(other.backends).equals(other);
  }

  /**
   * The protocols the ports use.
   *
   * @return the distinct protocols
   */
  public Set<Protocol> protocols() {
    return ports.stream().map(PortMapping::protocol).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * One label, if present (and read by the provider).
   *
   * @param key the label key
   * @return the value
   */
  public Optional<String> label(String key) {
    return Optional.ofNullable(labels.get(key));
  }

  /**
   * One annotation, if present.
   *
   * @param key the annotation key
   * @return the value
   */
  public Optional<String> annotation(String key) {
    return Optional.ofNullable(annotations.get(key));
  }
}
