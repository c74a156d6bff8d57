package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.ipam.AllocationRequest;
import dev.fairlead.lb.baremetal.ipam.AllocationResult;
import dev.fairlead.lb.baremetal.ipam.Allocator;
import dev.fairlead.lb.baremetal.ipam.PoolCatalog;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocates virtual IPs from {@code IPAddressPool}s. The published Service status is the source of
 * truth: {@link #recover} re-reserves every published address before anything new is allocated.
 * Announcing the addresses is the speakers' job, so backend changes need nothing here.
 */
final class BareMetalLoadBalancerProvider implements LoadBalancerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(BareMetalLoadBalancerProvider.class);

  private final KubernetesClient client;
  private final ProviderCapabilities capabilities;
  private final Duration retryWhenExhausted;
  private final Allocator allocator = new Allocator();
  private final PoolStatusWriter poolStatus;
  private SharedIndexInformer<IPAddressPool> pools;
  private volatile PoolCatalog catalog;

  BareMetalLoadBalancerProvider(
      KubernetesClient client, ProviderCapabilities capabilities, Duration retryWhenExhausted,
      Clock clock) {
    this.client = client;
    this.capabilities = capabilities;
    this.retryWhenExhausted = retryWhenExhausted;
    this.poolStatus = new PoolStatusWriter(client, clock);
  }

  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public synchronized void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    PoolCatalog current = catalog();
    int restored = 0;
    for (var entry : published.entrySet()) {
      List<InetAddress> addresses = entry.getValue().ingress().stream()
          .filter(LoadBalancerStatus.Ip.class::isInstance)
          .map(i -> ((LoadBalancerStatus.Ip) i).address())
          .toList();
      if (!addresses.isEmpty()) {
        allocator.restore(entry.getKey(), addresses, current);
        restored++;
      }
    }
    LOG.info("Restored the addresses of {} Services from their published status", restored);
    poolStatus.update(current, allocator);
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
    PoolCatalog current = catalog();
    AllocationRequest request = request(spec, current);
    return switch (allocator.allocate(request, current)) {
      case AllocationResult.Allocated allocated -> {
        poolStatus.update(current, allocator);
        yield status(allocated);
      }
      case AllocationResult.Unavailable unavailable when unavailable.mayResolveItself() ->
          throw new RetryLaterException(unavailable.reason(), retryWhenExhausted);
      case AllocationResult.Unavailable unavailable ->
          throw new UnsupportedFeatureException(unavailable.reason());
    };
  }

  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    // The speakers follow Nodes and EndpointSlices themselves; the address does not change.
  }

  @Override
  public synchronized void ensureDeleted(ServiceKey service) {
    allocator.release(service);
    poolStatus.update(catalog(), allocator);
  }

  @Override
  public synchronized void close() {
    if (pools != null) {
      pools.close();
    }
    poolStatus.close();
  }

  private AllocationRequest request(LoadBalancerSpec spec, PoolCatalog current) {
    Map<String, String> annotations = spec.annotations();
    List<InetAddress> requested = spec.requestedAddresses();
    Optional<String> metallbAddresses =
        BareMetalAnnotations.first(annotations, BareMetalAnnotations.METALLB_ADDRESSES);
    if (requested.isEmpty() && metallbAddresses.isPresent()) {
      requested = new ArrayList<>();
      for (String part : metallbAddresses.get().split(",")) {
        try {
          requested.add(IpLiteral.parse(part));
        } catch (IllegalArgumentException e) {
          throw new UnsupportedFeatureException("annotation " + BareMetalAnnotations.METALLB_ADDRESSES
              + ": " + e.getMessage());
        }
      }
    }
    if (!requested.isEmpty() && requested.size() != spec.ipFamilies().size()) {
      throw new UnsupportedFeatureException("requested addresses " + requested.stream()
          .map(InetAddress::getHostAddress).toList() + " must give exactly one address per IP family "
          + spec.ipFamilies());
    }
    Optional<String> sharingKey = BareMetalAnnotations.first(annotations,
        BareMetalAnnotations.SHARING_KEY, BareMetalAnnotations.METALLB_SHARING_KEY);
    boolean needsLabels = current.pools().stream().anyMatch(p -> p.serviceSelector().isPresent());
    boolean needsSelector = sharingKey.isPresent() && spec.trafficPolicy() instanceof TrafficPolicy.Local;
    Map<String, String> labels = Map.of();
    String backendKey = "";
    if (needsLabels || needsSelector) {
      Service service = service(spec.service());
      labels = service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels();
      if (needsSelector) {
        // Local Services may share an address only if they select the same pods: one node serves both.
        Map<String, String> selector = service.getSpec() == null || service.getSpec().getSelector() == null
            ? Map.of() : service.getSpec().getSelector();
        backendKey = new TreeMap<>(selector).toString();
      }
    }
    return new AllocationRequest(
        spec.service(),
        labels,
        spec.ipFamilies(),
        requested,
        BareMetalAnnotations.first(annotations, BareMetalAnnotations.ADDRESS_POOL,
            BareMetalAnnotations.METALLB_ADDRESS_POOL),
        sharingKey,
        spec.ports().stream().map(PortMapping::label).collect(Collectors.toSet()),
        backendKey);
  }

  private Service service(ServiceKey key) {
    try {
      Service service = client.services().inNamespace(key.namespace()).withName(key.name()).get();
      if (service == null) {
        throw new ProviderFailureException("Service " + key.qualifiedName() + " not found");
      }
      return service;
    } catch (KubernetesClientException e) {
      throw new ProviderFailureException("cannot read Service " + key.qualifiedName() + ": "
          + e.getMessage(), e);
    }
  }

  /** The pools in force, from a watch started on first use (after the controller won leadership). */
  private PoolCatalog catalog() {
    if (pools == null) {
      SharedIndexInformer<IPAddressPool> informer = null;
      try {
        informer = client.resources(IPAddressPool.class).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
          @Override
          public void onAdd(IPAddressPool pool) {
            catalog = null;
          }

          @Override
          public void onUpdate(IPAddressPool before, IPAddressPool after) {
            catalog = null; // pools change rarely; re-parsing them is cheap
          }

          @Override
          public void onDelete(IPAddressPool pool, boolean unknown) {
            catalog = null;
          }
        });
        informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        pools = informer;
      } catch (Exception e) {
        if (informer != null) {
          informer.close(); // do not leave a half-started watch retrying in the background
        }
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new ProviderFailureException("cannot watch IPAddressPools (is the CRD "
            + "ipaddresspools.baremetal.fairlead.dev installed?): " + e.getMessage(), e);
      }
    }
    PoolCatalog current = catalog;
    if (current == null) {
      current = PoolCatalog.of(pools.getStore().list());
      catalog = current;
      poolStatus.reportErrors(current, pools.getStore().list());
    }
    return current;
  }

  private static LoadBalancerStatus status(AllocationResult.Allocated allocated) {
    return new LoadBalancerStatus(allocated.addresses().stream()
        .<LoadBalancerStatus.Ingress>map(LoadBalancerStatus.Ip::new)
        .toList());
  }
}
