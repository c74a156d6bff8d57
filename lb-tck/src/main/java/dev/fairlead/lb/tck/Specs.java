package dev.fairlead.lb.tck;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.SessionAffinity;
import dev.fairlead.lb.api.TrafficPolicy;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the specs of a conformance test. Every Service it invents gets a unique name (the prefix
 * plus a process-wide counter) and a random UID, and is recorded so the contract can delete it
 * after the test, whatever happened.
 *
 * <p>Defaults follow the provider's capabilities: TCP if supported (else its first protocol), IPv4
 * if supported (else IPv6), policy {@code Cluster}, every backend node.
 */
public final class Specs {

  /** The namespace of every Service the kit invents. */
  public static final String NAMESPACE = "fairlead-tck";

  // Process-wide, so two test classes running in one JVM never reuse a name.
  private static final AtomicLong COUNTER = new AtomicLong();

  private final String namePrefix;
  private final List<BackendNode> backends;
  private final Protocol protocol;
  private final IpFamily family;
  private final List<ServiceKey> recorded = new CopyOnWriteArrayList<>();

  /**
   * Creates the helper of one test.
   *
   * @param namePrefix the prefix of invented Service names
   * @param backends the backend nodes; sorted by name as the controller does
   * @param capabilities the provider's capabilities, which pick the default protocol and family
   */
  public Specs(String namePrefix, List<BackendNode> backends, ProviderCapabilities capabilities) {
    this.namePrefix = Objects.requireNonNull(namePrefix, "namePrefix");
    this.backends = backends.stream().sorted(Comparator.comparing(BackendNode::name)).toList();
    this.protocol =
        capabilities.protocols().contains(Protocol.TCP)
            ? Protocol.TCP
            : capabilities.protocols().stream().sorted().findFirst().orElseThrow();
    this.family = capabilities.ipFamilies().contains(IpFamily.IPV4) ? IpFamily.IPV4 : IpFamily.IPV6;
  }

  /**
   * Invents a new Service and records it for clean-up.
   *
   * @return a key with a unique name and a random UID
   */
  public ServiceKey uniqueService() {
    ServiceKey key =
        new ServiceKey(
            NAMESPACE, namePrefix + COUNTER.incrementAndGet(), UUID.randomUUID().toString());
    recorded.add(key);
    return key;
  }

  /**
   * Every Service invented so far, in order.
   *
   * @return the keys
   */
  public List<ServiceKey> recorded() {
    return List.copyOf(recorded);
  }

  /**
   * The backend nodes, sorted by name.
   *
   * @return the nodes
   */
  public List<BackendNode> backends() {
    return backends;
  }

  /**
   * The protocol of default ports.
   *
   * @return TCP, or the provider's first protocol if it has no TCP
   */
  public Protocol protocol() {
    return protocol;
  }

  /**
   * The IP family of default specs.
   *
   * @return IPv4, or IPv6 if the provider has no IPv4
   */
  public IpFamily family() {
    return family;
  }

  /**
   * A spec for a new Service with the default port ({@code 80}) and defaults for everything else.
   *
   * @return the spec
   */
  public LoadBalancerSpec newSpec() {
    return forNewService().build();
  }

  /**
   * A builder for a new, recorded Service, preset with the defaults.
   *
   * @return the builder
   */
  public Builder forNewService() {
    return forService(uniqueService());
  }

  /**
   * A builder for an existing Service, preset with the defaults, to change its spec.
   *
   * @param service the Service
   * @return the builder
   */
  public Builder forService(ServiceKey service) {
    return new Builder(service, List.of(port(protocol, 80)), backends, family);
  }

  /**
   * A Service port whose node port is derived from the port, named after protocol and port.
   *
   * @param protocol the protocol
   * @param port the port, 1 to 65535
   * @return the mapping, forwarding to a node port in 30000-32767
   */
  public static PortMapping port(Protocol protocol, int port) {
    return new PortMapping(
        protocol.name().toLowerCase(Locale.ROOT) + "-" + port, protocol, port, 30000 + port % 2768);
  }

  /** Builds one spec; every setter replaces the previous value. */
  public static final class Builder {
    private final ServiceKey service;
    private List<PortMapping> ports;
    private List<BackendNode> backends;
    private List<InetAddress> requestedAddresses = List.of();
    private List<Cidr> sourceRanges = List.of();
    private TrafficPolicy trafficPolicy = new TrafficPolicy.Cluster();
    private List<IpFamily> ipFamilies;
    private Map<String, String> labels = Map.of();
    private Map<String, String> podSelector = Map.of();
    private Map<String, String> annotations = Map.of();
    private SessionAffinity sessionAffinity = SessionAffinity.NONE;

    private Builder(
        ServiceKey service, List<PortMapping> ports, List<BackendNode> backends, IpFamily family) {
      this.service = service;
      this.ports = ports;
      this.backends = backends;
      this.ipFamilies = List.of(family);
    }

    /**
     * Sets the ports.
     *
     * @param mappings at least one
     * @return this builder
     */
    public Builder ports(PortMapping... mappings) {
      this.ports = List.of(mappings);
      return this;
    }

    /**
     * Sets the backend nodes.
     *
     * @param nodes the nodes, sorted by name
     * @return this builder
     */
    public Builder backends(List<BackendNode> nodes) {
      this.backends = List.copyOf(nodes);
      return this;
    }

    /**
     * Sets the requested addresses; also sets the IP families to theirs, primary first.
     *
     * @param addresses the addresses
     * @return this builder
     */
    public Builder requestedAddresses(InetAddress... addresses) {
      this.requestedAddresses = List.of(addresses);
      if (addresses.length > 0) {
        this.ipFamilies = requestedAddresses.stream().map(IpFamily::of).distinct().toList();
      }
      return this;
    }

    /**
     * Sets the allowed client networks.
     *
     * @param ranges the networks
     * @return this builder
     */
    public Builder sourceRanges(Cidr... ranges) {
      this.sourceRanges = List.of(ranges);
      return this;
    }

    /**
     * Sets the external traffic policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder trafficPolicy(TrafficPolicy policy) {
      this.trafficPolicy = policy;
      return this;
    }

    /**
     * Sets the IP families, primary first.
     *
     * @param families one or two families
     * @return this builder
     */
    public Builder ipFamilies(IpFamily... families) {
      this.ipFamilies = List.of(families);
      return this;
    }

    /**
     * Sets the labels, for providers that select by label.
     *
     * @param values the labels
     * @return this builder
     */
    public Builder labels(Map<String, String> values) {
      this.labels = Map.copyOf(values);
      return this;
    }

    /**
     * Sets the pod selector, which matters with {@code externalTrafficPolicy: Local}.
     *
     * @param values the selector
     * @return this builder
     */
    public Builder podSelector(Map<String, String> values) {
      this.podSelector = Map.copyOf(values);
      return this;
    }

    /**
     * Sets the annotations, for provider-specific keys.
     *
     * @param values the annotations
     * @return this builder
     */
    public Builder annotations(Map<String, String> values) {
      this.annotations = Map.copyOf(values);
      return this;
    }

    /**
     * Sets the session affinity.
     *
     * @param value the affinity
     * @return this builder
     */
    public Builder sessionAffinity(SessionAffinity value) {
      this.sessionAffinity = value;
      return this;
    }

    /**
     * Builds the spec.
     *
     * @return the spec
     * @throws IllegalArgumentException if the values do not form a valid spec
     */
    public LoadBalancerSpec build() {
      return new LoadBalancerSpec(
          service,
          ports,
          backends,
          requestedAddresses,
          sourceRanges,
          trafficPolicy,
          ipFamilies,
          labels,
          podSelector,
          annotations,
          sessionAffinity);
    }
  }
}
