package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.L2Advertisement;
import dev.fairlead.lb.baremetal.speaker.election.Advertisements;
import dev.fairlead.lb.baremetal.speaker.election.PoolSelector;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Informers on Services, EndpointSlices, Nodes, IPAddressPools, L2Advertisements and (when that
 * resource exists) BGPAdvertisements; every change calls back.
 */
final class KubeState implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KubeState.class);

  /** BGPAdvertisements, read generically: only their pool selection matters to layer 2. */
  static final ResourceDefinitionContext BGP_ADVERTISEMENTS = new ResourceDefinitionContext.Builder()
      .withGroup(IPAddressPool.GROUP).withVersion(IPAddressPool.VERSION)
      .withKind("BGPAdvertisement").withPlural("bgpadvertisements").withNamespaced(false).build();

  private final KubernetesClient client;
  private final Runnable onChange;
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final SharedIndexInformer<Node> nodes;
  private final SharedIndexInformer<IPAddressPool> pools;
  private final SharedIndexInformer<L2Advertisement> l2Advertisements;
  private SharedIndexInformer<GenericKubernetesResource> bgpAdvertisements;

  KubeState(KubernetesClient client, Runnable onChange) {
    this.client = client;
    this.onChange = onChange;
    services = client.services().inAnyNamespace().runnableInformer(0);
    slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    nodes = client.nodes().runnableInformer(0);
    pools = client.resources(IPAddressPool.class).runnableInformer(0);
    l2Advertisements = client.resources(L2Advertisement.class).runnableInformer(0);
    for (SharedIndexInformer<? extends HasMetadata> informer
        : List.of(services, slices, nodes, pools, l2Advertisements)) {
      addHandler(informer, onChange);
    }
  }

  private static <T extends HasMetadata> void addHandler(SharedIndexInformer<T> informer, Runnable onChange) {
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        onChange.run();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        onChange.run();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        onChange.run();
      }
    });
  }

  /**
   * Starts the informers and waits until each has listed once. BGPAdvertisements are optional:
   * without that resource (the BGP CRD not installed) no pool is taken by BGP.
   */
  void start(Duration timeout) throws InterruptedException, TimeoutException {
    List<CompletableFuture<?>> started = new ArrayList<>(List.of(
        services.start().toCompletableFuture(),
        slices.start().toCompletableFuture(),
        nodes.start().toCompletableFuture(),
        pools.start().toCompletableFuture(),
        l2Advertisements.start().toCompletableFuture()));
    try {
      client.genericKubernetesResources(BGP_ADVERTISEMENTS).list();
      bgpAdvertisements = client.genericKubernetesResources(BGP_ADVERTISEMENTS).runnableInformer(0);
      addHandler(bgpAdvertisements, onChange);
      started.add(bgpAdvertisements.start().toCompletableFuture());
    } catch (KubernetesClientException e) {
      if (e.getCode() != java.net.HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      LOG.info("no BGPAdvertisement resource in this cluster: layer 2 announces every pool its"
          + " L2Advertisements allow");
    }
    CompletableFuture<?> all = CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    try {
      all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot list from the Kubernetes API: " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  List<Service> services() {
    return services.getStore().list();
  }

  List<EndpointSlice> slices() {
    return slices.getStore().list();
  }

  List<Node> nodes() {
    return nodes.getStore().list();
  }

  List<IPAddressPool> pools() {
    return pools.getStore().list();
  }

  List<L2Advertisement> l2Advertisements() {
    return l2Advertisements.getStore().list();
  }

  /**
   * The pool selection of every BGPAdvertisement (same field names as L2Advertisements); one whose
   * selection cannot be read selects nothing (the BGP speaker reports it).
   */
  List<PoolSelector> bgpPoolSelectors() {
    if (bgpAdvertisements == null) {
      return List.of();
    }
    List<PoolSelector> result = new ArrayList<>();
    for (GenericKubernetesResource ad : bgpAdvertisements.getStore().list()) {
      try {
        Object spec = ad.getAdditionalProperties().get("spec");
        Map<?, ?> fields = spec instanceof Map<?, ?> m ? m : Map.of();
        List<String> names = fields.get("ipAddressPools") instanceof List<?> list
            ? list.stream().map(String::valueOf).toList() : List.of();
        List<LabelSelector> selectors = new ArrayList<>();
        if (fields.get("ipAddressPoolSelectors") instanceof List<?> list) {
          for (Object selector : list) {
            selectors.add(client.getKubernetesSerialization().convertValue(selector, LabelSelector.class));
          }
        }
        result.add(Advertisements.pools(names, selectors, "spec"));
      } catch (RuntimeException e) {
        LOG.debug("BGPAdvertisement {} selects no pool for layer 2: {}", ad.getMetadata().getName(),
            e.getMessage());
      }
    }
    return result;
  }

  @Override
  public void close() {
    services.close();
    slices.close();
    nodes.close();
    pools.close();
    l2Advertisements.close();
    if (bgpAdvertisements != null) {
      bgpAdvertisements.close();
    }
  }
}
