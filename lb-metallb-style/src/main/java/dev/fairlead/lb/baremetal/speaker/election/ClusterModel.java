package dev.fairlead.lb.baremetal.speaker.election;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.L2Advertisement;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the Kubernetes objects the speaker watches into the election's inputs. Pure, so it is
 * tested with plain objects.
 *
 * <p>A Service counts when it is {@code type: LoadBalancer}, not being deleted, has the speaker's
 * load-balancer class (none by default, like the controller), and has {@code
 * status.loadBalancer.ingress[].ip} values inside some {@code IPAddressPool}: only those addresses
 * are VIPs. Addresses outside every pool (another implementation's, or a typo) are never answered.
 */
public final class ClusterModel {
  /** The label that takes a node out of every load balancer. */
  public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

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
      Map<String, String> labels = Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
      boolean networkUnavailable = node.getStatus() != null && node.getStatus().getConditions() != null
          && node.getStatus().getConditions().stream()
              .anyMatch(c -> "NetworkUnavailable".equals(c.getType()) && "True".equals(c.getStatus()));
      List<InetAddress> internal = new ArrayList<>();
      if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
        for (NodeAddress address : node.getStatus().getAddresses()) {
          if ("InternalIP".equals(address.getType())) {
            parse(address.getAddress()).ifPresent(internal::add);
          }
        }
      }
      result.add(new NodeInfo(node.getMetadata().getName(), labels.containsKey(EXCLUDE_LABEL),
          networkUnavailable, internal, labels));
    }
    return result;
  }

  /**
   * Parses every pool's address blocks, skipping malformed ones.
   *
   * @param pools the pools
   * @return all blocks
   */
  public static List<AddressBlock> blocks(Collection<IPAddressPool> pools) {
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
      List<AddressBlock> blocks = new ArrayList<>();
      if (pool.getSpec() != null && pool.getSpec().getAddresses() != null) {
        for (String entry : pool.getSpec().getAddresses()) {
          try {
            blocks.add(AddressBlock.parse(entry));
          } catch (IllegalArgumentException e) {
            // The controller reports invalid pools; for the speaker the entry matches nothing.
          }
        }
      }
      result.add(new PoolInfo(pool.getMetadata().getName(),
          Optional.ofNullable(pool.getMetadata().getLabels()).orElse(Map.of()), blocks));
    }
    result.sort(java.util.Comparator.comparing(PoolInfo::name));
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
        .map(a -> Advertisements.parse(a.getMetadata().getName(), a.getSpec()))
        .sorted(java.util.Comparator.comparing(Advertisement::name))
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
    List<AddressBlock> blocks = blocks(pools);
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
      if (service.getSpec() == null || !"LoadBalancer".equals(service.getSpec().getType())
          || service.getMetadata().getDeletionTimestamp() != null
          || !Objects.equals(loadBalancerClass.orElse(null), service.getSpec().getLoadBalancerClass())
          || service.getStatus() == null || service.getStatus().getLoadBalancer() == null
          || service.getStatus().getLoadBalancer().getIngress() == null) {
        continue;
      }
      List<InetAddress> vips = new ArrayList<>();
      for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
        parse(ingress.getIp())
            .filter(ip -> blocks.stream().anyMatch(b -> b.contains(ip)))
            .filter(ip -> !vips.contains(ip))
            .ifPresent(vips::add);
      }
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

  private static Optional<InetAddress> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(text.strip()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

}
