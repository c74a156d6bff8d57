package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.crd.BFDProfile;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisement;
import dev.fairlead.lb.baremetal.crd.BGPPeer;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Informers on Services, EndpointSlices, Nodes and IPAddressPools, and on the BGP resources
 * (BGPPeers, BGPAdvertisements, BFDProfiles); every change calls back.
 */
final class KubeState implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KubeState.class);
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final SharedIndexInformer<Node> nodes;
  private final SharedIndexInformer<IPAddressPool> pools;
  private final SharedIndexInformer<BGPPeer> bgpPeers;
  private final SharedIndexInformer<BGPAdvertisement> bgpAdvertisements;
  private final SharedIndexInformer<BFDProfile> bfdProfiles;

  KubeState(KubernetesClient client, Runnable onChange) {
    services = client.services().inAnyNamespace().runnableInformer(0);
    slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    nodes = client.nodes().runnableInformer(0);
    pools = client.resources(IPAddressPool.class).runnableInformer(0);
    bgpPeers = client.resources(BGPPeer.class).runnableInformer(0);
    bgpAdvertisements = client.resources(BGPAdvertisement.class).runnableInformer(0);
    bfdProfiles = client.resources(BFDProfile.class).runnableInformer(0);
    for (SharedIndexInformer<? extends HasMetadata> informer : List.of(services, slices, nodes, pools,
        bgpPeers, bgpAdvertisements, bfdProfiles)) {
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

  /** Starts the informers and waits until each has listed once. */
  void start(Duration timeout) throws InterruptedException, TimeoutException {
    CompletableFuture<?> all = CompletableFuture.allOf(
        services.start().toCompletableFuture(),
        slices.start().toCompletableFuture(),
        nodes.start().toCompletableFuture(),
        pools.start().toCompletableFuture());
    try {
      all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot list from the Kubernetes API: " + e.getCause().getMessage(),
          e.getCause());
    }
    // The BGP resources are optional: a cluster without their CRDs runs ARP/NDP only.
    CompletableFuture<?> bgp = CompletableFuture.allOf(
        bgpPeers.start().toCompletableFuture(),
        bgpAdvertisements.start().toCompletableFuture(),
        bfdProfiles.start().toCompletableFuture());
    try {
      bgp.get(Math.min(timeout.toMillis(), 10_000), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      LOG.warn("BGP resources (BGPPeer, BGPAdvertisement, BFDProfile) cannot be listed, BGP stays"
          + " off until they can: {}", e.getCause() == null ? e.toString() : e.getCause().getMessage());
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

  List<BGPPeer> bgpPeers() {
    return bgpPeers.getStore().list();
  }

  List<BGPAdvertisement> bgpAdvertisements() {
    return bgpAdvertisements.getStore().list();
  }

  List<BFDProfile> bfdProfiles() {
    return bfdProfiles.getStore().list();
  }

  @Override
  public void close() {
    bgpPeers.close();
    bgpAdvertisements.close();
    bfdProfiles.close();
    services.close();
    slices.close();
    nodes.close();
    pools.close();
  }
}
