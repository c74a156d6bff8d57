package dev.fairlead.lb.baremetal;

import dev.fairlead.kube.vocabulary.EventReasons;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.MetadataUse;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.baremetal.ipam.AllocationRequest;
import dev.fairlead.lb.baremetal.ipam.AllocationResult;
import dev.fairlead.lb.baremetal.ipam.Allocator;
import dev.fairlead.lb.baremetal.ipam.Pool;
import dev.fairlead.lb.baremetal.ipam.PoolCatalog;
import dev.fairlead.lb.baremetal.ipam.PoolDefinition;
import dev.fairlead.lb.baremetal.ipam.PoolReport;
import dev.fairlead.lb.baremetal.ipam.Sharing;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocates virtual IPs from {@code IPAddressPool}s. The published Service status is the source of
 * truth: {@link #recover} re-reserves every published address before anything new is allocated,
 * and an address any other Service publishes (of any class) is never handed out. Pools are checked
 * when they change, not only when a Service is reconciled: their status, Warning events and the
 * Services waiting for an address follow at once. Announcing the addresses is the speakers' job,
 * so backend changes need nothing here.
 *
 * <p>Everything it reads and writes in the cluster goes through {@link BareMetalCluster}; Service
 * data arrives in the spec. No Kubernetes type appears here.
 */
final class BareMetalLoadBalancerProvider implements LoadBalancerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(BareMetalLoadBalancerProvider.class);

  /** Our annotations and MetalLB's, and every label (pools select Services by label). */
  static final MetadataUse METADATA = new MetadataUse(Set.of("fairlead.dev/", "metallb.io/"), Set.of(""));

  private final BareMetalCluster cluster;
  private final ProviderCapabilities capabilities;
  private final Duration retryWhenExhausted;
  private final boolean ownsPoolStatus;
  private final Allocator allocator = new Allocator();
  /** Services that got no address, by UID: any pool or address change may let them proceed. */
  private final Map<String, ServiceKey> waiting = new HashMap<>();
  private PoolCatalog catalog = PoolCatalog.empty();
  private Map<String, PoolReport> reports = Map.of();
  /** What the pools' status and events last said, so only changes are written. */
  private final Map<String, PoolReport> written = new HashMap<>();
  private boolean started;

  /**
   * Creates the provider.
   *
   * @param cluster the port to the cluster
   * @param capabilities what it supports
   * @param retryWhenExhausted how soon a Service waiting for a free address is retried at the
   *     latest (a freed address or pool change retries it at once)
   * @param ownsPoolStatus whether this controller writes pool status and pool events (one owner per
   *     cluster: controllers of other classes leave them alone)
   */
  BareMetalLoadBalancerProvider(BareMetalCluster cluster, ProviderCapabilities capabilities,
      Duration retryWhenExhausted, boolean ownsPoolStatus) {
    this.cluster = cluster;
    this.capabilities = capabilities;
    this.retryWhenExhausted = retryWhenExhausted;
    this.ownsPoolStatus = ownsPoolStatus;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public MetadataUse metadataUse() {
    return METADATA;
  }

  @Override
  public synchronized void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    start();
    int restored = 0;
    for (var entry : published.entrySet()) {
      List<InetAddress> addresses = entry.getValue().ingress().stream()
          .filter(LoadBalancerStatus.Ip.class::isInstance)
          .map(i -> ((LoadBalancerStatus.Ip) i).address())
          .toList();
      if (!addresses.isEmpty()) {
        allocator.restore(entry.getKey(), addresses, catalog);
        restored++;
      }
    }
    LOG.info("Restored the addresses of {} Services from their published status", restored);
    written.clear(); // a new leader writes every pool's status and problem once
    refresh();
  }

  @Override
  public synchronized Optional<LoadBalancerStatus> find(ServiceKey service) {
    return allocator.lookup(service).map(BareMetalLoadBalancerProvider::status);
  }

  @Override
  public synchronized LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    capabilities.unsupportedBy(spec).ifPresent(reason -> {
      throw new UnsupportedFeatureException(reason);
    });
    start();
    AllocationResult result = allocator.allocate(request(spec), catalog, cluster.published());
    switch (result) {
      case AllocationResult.Allocated allocated -> {
        waiting.remove(spec.service().uid());
        allocated.notes().forEach(note -> cluster.serviceEvent(spec.service(), true,
            EventReasons.ADDRESS_NOT_SHARED, note));
        publishReports();
        return status(allocated);
      }
      case AllocationResult.Unavailable unavailable -> {
        waiting.put(spec.service().uid(), spec.service());
        if (unavailable.retry() == AllocationResult.Retry.WHEN_ADDRESSES_FREE) {
          throw new RetryLaterException(unavailable.reason(), retryWhenExhausted);
        }
        // Only a change to the pools (we requeue the Service then) or to the Service helps.
        throw new UnsupportedFeatureException(unavailable.reason()
            + "; retried when the IPAddressPools or the Service change");
      }
    }
  }

  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    // The speakers follow Nodes and EndpointSlices themselves; the address does not change.
  }

  @Override
  public synchronized void ensureDeleted(ServiceKey service) {
    waiting.remove(service.uid());
    if (allocator.release(service)) {
      publishReports();
      requeueWaiting(); // an address is free
    }
  }

  @Override
  public synchronized void close() {
    cluster.close();
  }

  /** Starts watching the cluster on first use (after the controller won leadership). */
  private void start() {
    if (started) {
      return;
    }
    cluster.start(this::clusterChanged);
    started = true;
    catalog = PoolCatalog.of(cluster.pools(), catalog, inUse());
    cluster.gauge("fairlead_pool_addresses_in_use", "Addresses of an IPAddressPool that Services use,"
        + " by pool and family", List.of("pool", "family"), () -> samples(true));
    cluster.gauge("fairlead_pool_addresses_capacity", "Addresses an IPAddressPool may hand out, by pool"
        + " and family", List.of("pool", "family"), () -> samples(false));
  }

  /**
   * A pool or a published address changed: re-check the pools, report, let waiting Services try,
   * and move a Service that lost a race for an address to another controller's Service.
   */
  private synchronized void clusterChanged() {
    refresh();
    requeueWaiting();
    List<ServiceKey> displaced = allocator.displaced(cluster.published());
    if (!displaced.isEmpty()) {
      LOG.warn("Another controller publishes the addresses of {}: allocating them again", displaced);
      cluster.requeue(displaced);
    }
  }

  private void refresh() {
    catalog = PoolCatalog.of(cluster.pools(), catalog, inUse());
    publishReports();
  }

  private Set<InetAddress> inUse() {
    Set<InetAddress> used = new HashSet<>(allocator.held());
    used.addAll(cluster.published().keySet());
    return used;
  }

  private void requeueWaiting() {
    if (!waiting.isEmpty()) {
      cluster.requeue(List.copyOf(waiting.values()));
    }
  }

  /** Computes every pool's report; the status owner writes what changed, with events. */
  private void publishReports() {
    Set<InetAddress> used = inUse();
    Map<String, PoolReport> now = new LinkedHashMap<>();
    for (PoolDefinition definition : cluster.pools()) {
      String name = definition.name();
      Optional<String> problem = Optional.ofNullable(catalog.problems().get(name));
      now.put(name, catalog.pool(name).map(pool -> PoolReport.of(pool, used, problem))
          .orElseGet(() -> PoolReport.unusable(problem.orElse("no usable addresses"))));
    }
    reports = Map.copyOf(now);
    if (!ownsPoolStatus) {
      return;
    }
    written.keySet().retainAll(now.keySet());
    now.forEach((name, report) -> {
      PoolReport before = written.put(name, report);
      if (report.equals(before)) {
        return;
      }
      cluster.writeStatus(name, report);
      Optional<String> was = before == null ? Optional.empty() : before.error();
      if (report.error().isPresent() && !report.error().equals(was)) {
        LOG.warn("IPAddressPool {}: {}", name, report.error().get());
        cluster.poolEvent(name, true, EventReasons.INVALID_POOL, report.error().get());
      } else if (report.error().isEmpty() && was.isPresent()) {
        cluster.poolEvent(name, false, EventReasons.POOL_VALID, "every entry of spec.addresses is in use"
            + " again; the problem reported earlier is resolved");
      }
    });
  }

  private synchronized Map<List<String>, Double> samples(boolean inUse) {
    Map<List<String>, Double> samples = new HashMap<>();
    reports.forEach((pool, report) -> {
      samples.put(List.of(pool, "IPv4"), inUse ? report.allocatedIpv4() : report.capacityIpv4().doubleValue());
      samples.put(List.of(pool, "IPv6"), inUse ? report.allocatedIpv6() : report.capacityIpv6().doubleValue());
    });
    return samples;
  }

  private static AllocationRequest request(LoadBalancerSpec spec) {
    Map<String, String> annotations = spec.annotations();
    List<InetAddress> requested = spec.requestedAddresses();
    if (!requested.isEmpty() && requested.size() != spec.ipFamilies().size()) {
      throw new UnsupportedFeatureException("requested addresses " + requested.stream()
          .map(IpLiteral::format).toList() + " must give exactly one address per IP family "
          + spec.ipFamilies().stream().map(f -> f.kubernetesName()).toList());
    }
    Optional<Sharing> sharing = BareMetalAnnotations.first(annotations,
        BareMetalAnnotations.SHARING_KEY, BareMetalAnnotations.METALLB_SHARING_KEY)
        .map(key -> new Sharing(key,
            spec.ports().stream().map(PortMapping::label).collect(Collectors.toSet()),
            spec.trafficPolicy() instanceof TrafficPolicy.Local, spec.podSelector()));
    return new AllocationRequest(
        spec.service(),
        spec.labels(),
        spec.ipFamilies(),
        requested,
        BareMetalAnnotations.first(annotations, BareMetalAnnotations.ADDRESS_POOL,
            BareMetalAnnotations.METALLB_ADDRESS_POOL),
        sharing);
  }

  private static LoadBalancerStatus status(AllocationResult.Allocated allocated) {
    return new LoadBalancerStatus(allocated.addresses().stream()
        .<LoadBalancerStatus.Ingress>map(LoadBalancerStatus.Ip::new)
        .toList());
  }

  /** For tests: the pools in force. */
  synchronized List<Pool> poolsInForce() {
    return catalog.pools();
  }
}
