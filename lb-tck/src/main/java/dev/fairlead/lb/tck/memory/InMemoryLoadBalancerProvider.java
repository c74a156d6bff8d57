package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.tck.memory.InMemoryAddressing.IngressKind;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider whose load balancers live in an {@link InMemoryCloud}. It keeps no state itself: load
 * balancers are found by cluster name and Service UID, so a new instance on the same cloud finds
 * everything an earlier one created (rule lb104).
 *
 * <p>{@code ensure} rejects specs outside its capabilities first, then gives each Service one
 * address per IP family (requested, else kept, else the lowest free one of the range) or one
 * hostname, and stores the spec. Addresses stay with the Service until {@code ensureDeleted}.
 */
public final class InMemoryLoadBalancerProvider implements LoadBalancerProvider {

  private final InMemoryCloud cloud;
  private final String clusterName;
  private final ProviderCapabilities capabilities;
  private final InMemoryAddressing addressing;
  private final ApiCallListener apiCalls;
  private volatile boolean closed;

  /**
   * Creates a provider that reports no API calls.
   *
   * @param cloud where the load balancers live
   * @param clusterName scopes every load balancer
   * @param capabilities what {@code ensure} accepts
   * @param addressing addresses or hostnames, and the address ranges
   */
  public InMemoryLoadBalancerProvider(
      InMemoryCloud cloud,
      String clusterName,
      ProviderCapabilities capabilities,
      InMemoryAddressing addressing) {
    this(cloud, clusterName, capabilities, addressing, ApiCallListener.NONE);
  }

  /**
   * Creates a provider that reports each call, named after its operation, to a listener.
   *
   * @param cloud where the load balancers live
   * @param clusterName scopes every load balancer
   * @param capabilities what {@code ensure} accepts
   * @param addressing addresses or hostnames, and the address ranges
   * @param apiCalls receives one record per call
   */
  public InMemoryLoadBalancerProvider(
      InMemoryCloud cloud,
      String clusterName,
      ProviderCapabilities capabilities,
      InMemoryAddressing addressing,
      ApiCallListener apiCalls) {
    this.cloud = Objects.requireNonNull(cloud, "cloud");
    this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
    if (clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName must not be blank");
    }
    this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    this.addressing = Objects.requireNonNull(addressing, "addressing");
    this.apiCalls = Objects.requireNonNull(apiCalls, "apiCalls");
  }

  /**
   * The capabilities given at construction.
   *
   * @return the capabilities
   */
  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  /**
   * Re-reserves every published address that lies in this provider's ranges and is free, so a
   * restart on a fresh cloud never hands a Service's address to another. Recorded as {@code
   * "recover <count>"}.
   *
   * @param published the published status of every Service
   */
  @Override
  public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    requireOpen();
    cloud.call(
        "recover",
        String.valueOf(published.size()),
        apiCalls,
        () -> {
          published.forEach(
              (service, status) -> {
                for (LoadBalancerStatus.Ingress ingress : status.ingress()) {
                  if (ingress instanceof LoadBalancerStatus.Ip ip) {
                    cloud.addresses().reserve(owner(service), ip.address(), addressing);
                  }
                }
              });
          return null;
        });
  }

  /**
   * The stored status; changes nothing.
   *
   * @param service the Service
   * @return the status, if the load balancer exists in this cluster
   */
  @Override
  public Optional<LoadBalancerStatus> find(ServiceKey service) {
    requireOpen();
    return cloud.call(
        "find",
        service.qualifiedName(),
        apiCalls,
        () -> cloud.stored(clusterName, service.uid()).map(StoredLoadBalancer::status));
  }

  /**
   * Validates, assigns addresses and stores the spec, atomically.
   *
   * @param spec the desired load balancer
   * @return one IP per family of the spec, or one hostname
   * @throws UnsupportedFeatureException if the capabilities exclude the spec, or a requested
   *     address is outside the range or held by another Service
   * @throws ProviderFailureException if the address pool is exhausted, or an injected failure
   */
  @Override
  public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    requireOpen();
    return cloud.call("ensure", spec.service().qualifiedName(), apiCalls, () -> converge(spec));
  }

  /**
   * Stores the new backends; the addresses stay (rule lb109).
   *
   * @param spec the last ensured spec with new backends
   */
  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    requireOpen();
    cloud.call("updateBackends", spec.service().qualifiedName(), apiCalls, () -> converge(spec));
  }

  /**
   * Deletes the load balancer and frees its addresses; nothing happens if there is none.
   *
   * @param service the Service
   */
  @Override
  public void ensureDeleted(ServiceKey service) {
    requireOpen();
    cloud.call(
        "ensureDeleted",
        service.qualifiedName(),
        apiCalls,
        () -> {
          cloud.remove(clusterName, service.uid());
          return null;
        });
  }

  /** Marks this instance closed; the load balancers stay in the cloud. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "InMemoryLoadBalancerProvider[cluster=" + clusterName + ", " + addressing + "]";
  }

  // Runs under the cloud's lock: every check comes before the first change.
  private LoadBalancerStatus converge(LoadBalancerSpec spec) {
    capabilities
        .unsupportedBy(spec)
        .ifPresent(
            reason -> {
              throw new UnsupportedFeatureException(reason);
            });
    LoadBalancerStatus status;
    if (addressing.ingress() == IngressKind.HOSTNAME) {
      if (!spec.requestedAddresses().isEmpty()) {
        throw new UnsupportedFeatureException(
            "requesting specific addresses is not supported with hostname ingress");
      }
      status = LoadBalancerStatus.of(new LoadBalancerStatus.Hostname(hostname(spec.service())));
    } else {
      AddressPool pool = cloud.addresses();
      AddressPool.Owner owner = owner(spec.service());
      Map<IpFamily, InetAddress> assigned =
          pool.plan(owner, spec.ipFamilies(), spec.requestedAddresses(), addressing);
      pool.commit(owner, assigned);
      status =
          new LoadBalancerStatus(
              assigned.values().stream()
                  .<LoadBalancerStatus.Ingress>map(LoadBalancerStatus.Ip::new)
                  .toList());
    }
    cloud.store(clusterName, new StoredLoadBalancer(spec, status));
    return status;
  }

  private String hostname(ServiceKey service) {
    String label = service.uid().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (label.isEmpty()) {
      label = "lb";
    }
    return label.substring(0, Math.min(label.length(), 63))
        + "."
        + clusterName
        + ".lb.example.test";
  }

  private AddressPool.Owner owner(ServiceKey service) {
    return new AddressPool.Owner(clusterName, service.uid());
  }

  private void requireOpen() {
    if (closed) {
      throw new ProviderFailureException(this + " is closed");
    }
  }
}
