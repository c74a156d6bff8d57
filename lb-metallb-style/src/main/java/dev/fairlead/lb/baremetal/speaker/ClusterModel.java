package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.kube.vocabulary.Nodes;
import dev.fairlead.kube.vocabulary.ServiceEligibility;
import dev.fairlead.kube.vocabulary.Services;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.L2Advertisement;
import dev.fairlead.lb.baremetal.speaker.election.Advertisement;
import dev.fairlead.lb.baremetal.speaker.election.NodeInfo;
import dev.fairlead.lb.baremetal.speaker.election.PoolInfo;
import dev.fairlead.lb.baremetal.speaker.election.ServiceRef;
import dev.fairlead.lb.baremetal.speaker.election.VipService;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the Kubernetes objects the speaker watches into the election's inputs, with the shared
 * Kubernetes vocabulary, so the speaker announces from exactly the nodes the controller sends
 * traffic to and reads pools with the IPAM's grammar. No I/O, so it is tested with plain objects.
 *
 * <p>A Service counts when the controller would serve it ({@code type: LoadBalancer}, not being
 * deleted, the speaker's load-balancer class) and has {@code status.loadBalancer.ingress[].ip}
 * values inside some {@code IPAddressPool}: only those addresses are VIPs. Addresses outside every
 * pool (another implementation's, or a typo) are never answered.
 */
public final class ClusterModel {
  /** The label EndpointSlices carry with their Service's name. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private ClusterModel() {}

  /**
   * Maps Nodes.
   *
   * @param nodes the Nodes
   * @return one entry per Node
   */
  public static List<NodeInfo> nodes(Collection<Node> nodes) {
    List<NodeInfo> result = new ArrayList<>();
    for (Node node : nodes) {
      boolean networkUnavailable = node.getStatus() != null && node.getStatus().getConditions() != null
          && node.getStatus().getConditions().stream()
              .anyMatch(c -> "NetworkUnavailable".equals(c.getType()) && "True".equals(c.getStatus()));
      Map<String, String> labels = Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
      result.add(new NodeInfo(node.getMetadata().getName(), !Nodes.carriesTraffic(node),
          networkUnavailable, Nodes.internalAddresses(node), labels));
    }
    return result;
  }

  /**
   * Parses every pool's address blocks, skipping malformed ones.
   *
   * @param pools the pools
   * @return all blocks
   */
  public static List<AddressRange> blocks(Collection<IPAddressPool> pools) {
    return pools(pools).stream().flatMap(p -> p.blocks().stream()).toList();
  }

  /**
   * Maps the pools, sorted by name; malformed address entries are left out.
   *
   * @param pools the pools
   * @return one entry per pool
   */
  public static List<PoolInfo> pools(Collection<IPAddressPool> pools) {
    List<PoolInfo> result = new ArrayList<>();
    for (IPAddressPool pool : pools) {
      List<AddressRange> blocks = new ArrayList<>();
      if (pool.getSpec() != null && pool.getSpec().getAddresses() != null) {
        for (String entry : pool.getSpec().getAddresses()) {
          try {
            blocks.add(AddressRange.parse(entry));
          } catch (IllegalArgumentException e) {
            // The controller reports invalid pools; for the speaker the entry matches nothing.
          }
        }
      }
      result.add(new PoolInfo(pool.getMetadata().getName(),
          Optional.ofNullable(pool.getMetadata().getLabels()).orElse(Map.of()), blocks));
    }
    result.sort(Comparator.comparing(PoolInfo::name));
    return result;
  }

  /**
   * Validates the L2Advertisements, sorted by name.
   *
   * @param ads the objects
   * @return one entry each, valid or with the reason it is not
   */
  public static List<Advertisement> advertisements(Collection<L2Advertisement> ads) {
    return ads.stream()
        .map(a -> L2AdvertisementReader.parse(a.getMetadata().getName(), a.getSpec()))
        .sorted(Comparator.comparing(Advertisement::name))
        .toList();
  }

  /**
   * Maps the Services that have pool addresses.
   *
   * @param services all Services
   * @param slices all EndpointSlices
   * @param pools the address pools
   * @param loadBalancerClass the class served, or empty for Services without a class
   * @return the Services with VIPs
   */
  public static List<VipService> services(
      Collection<Service> services,
      Collection<EndpointSlice> slices,
      Collection<IPAddressPool> pools,
      Optional<String> loadBalancerClass) {
    List<AddressRange> blocks = blocks(pools);
    ServiceEligibility eligibility = new ServiceEligibility(loadBalancerClass);
    Map<String, Set<String>> readyNodes = new HashMap<>();
    for (EndpointSlice slice : slices) {
      Map<String, String> labels =
          Optional.ofNullable(slice.getMetadata().getLabels()).orElse(Map.of());
      String service = labels.get(SERVICE_NAME_LABEL);
      if (service == null || slice.getEndpoints() == null) {
        continue;
      }
      Set<String> nodes = readyNodes.computeIfAbsent(
          slice.getMetadata().getNamespace() + "/" + service, k -> new HashSet<>());
      for (Endpoint endpoint : slice.getEndpoints()) {
        boolean ready = endpoint.getConditions() == null
            || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
        if (ready && endpoint.getNodeName() != null) {
          nodes.add(endpoint.getNodeName());
        }
      }
    }
    List<VipService> result = new ArrayList<>();
    for (Service service : services) {
      if (!eligibility.wantsLoadBalancer(service)) {
        continue;
      }
      List<InetAddress> vips = Services.publishedAddresses(service).stream()
          .filter(ip -> blocks.stream().anyMatch(b -> b.contains(ip)))
          .toList();
      if (vips.isEmpty()) {
        continue;
      }
      String namespace = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      result.add(new VipService(
          new ServiceRef(namespace, name, service.getMetadata().getUid()),
          vips,
          "Local".equals(service.getSpec().getExternalTrafficPolicy()),
          readyNodes.getOrDefault(namespace + "/" + name, Set.of())));
    }
    return result;
  }
}
