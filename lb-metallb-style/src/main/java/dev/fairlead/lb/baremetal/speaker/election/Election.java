package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses one node per VIP, the same on every speaker without talking to the others: a pure function
 * of the Nodes, the Services and the set of live speakers.
 *
 * <p>Candidates for a VIP are the nodes that run a live speaker, may carry load-balancer traffic
 * by the controller's own rules ({@link NodeInfo#excluded()}) and have no {@code NetworkUnavailable}
 * condition; if any Service on the VIP has {@code externalTrafficPolicy: Local}, only nodes with a
 * ready endpoint of every such Service remain (traffic arriving elsewhere would be dropped). The
 * winner is the candidate with the smallest {@code sha256(nodeName + "#" + vip)}: the key is the
 * address, not the Service, so Services sharing an address always land on the same node, and a
 * node joining or leaving moves only the VIPs it wins or held (no global reshuffle).
 *
 * <p>L2Advertisements narrow this: an address is only elected if some advertisement applies to it
 * ({@link Advertisements#rules}), and only among nodes that one of those advertisements allows
 * (node selectors); the winner announces on the union of those advertisements' interfaces.
 */
public final class Election {
  private Election() {}

  /**
   * Elects an owner for every VIP.
   *
   * @param nodes the cluster's Nodes
   * @param services LoadBalancer Services with pool addresses
   * @param liveSpeakers names of the nodes whose speaker is a live member
   * @return one assignment per VIP, in address order
   */
  public static Map<InetAddress, Assignment> elect(
      Collection<NodeInfo> nodes, Collection<VipService> services, Set<String> liveSpeakers) {
    return elect(nodes, services, liveSpeakers, Advertisements.Advertising.EVERYWHERE);
  }

  /**
   * Elects an owner for every VIP that some L2Advertisement (or the default) lets layer 2 announce.
   *
   * @param nodes the cluster's Nodes
   * @param services LoadBalancer Services with pool addresses
   * @param liveSpeakers names of the nodes whose speaker is a live member
   * @param advertising the advertisements that apply to each address
   * @return one assignment per announced VIP, in address order
   */
  public static Map<InetAddress, Assignment> elect(Collection<NodeInfo> nodes,
      Collection<VipService> services, Set<String> liveSpeakers,
      Advertisements.Advertising advertising) {
    Map<InetAddress, List<VipService>> byVip = new TreeMap<>(Comparator.comparing(
        (InetAddress a) -> a.getAddress().length).thenComparing(InetAddress::getAddress,
        Arrays::compareUnsigned));
    for (VipService service : services) {
      for (InetAddress vip : service.vips()) {
        byVip.computeIfAbsent(vip, v -> new ArrayList<>()).add(service);
      }
    }
    List<NodeInfo> eligible = nodes.stream()
        .filter(NodeInfo::eligible)
        .filter(n -> liveSpeakers.contains(n.name()))
        .toList();
    Map<InetAddress, Assignment> result = new LinkedHashMap<>();
    byVip.forEach((vip, users) -> {
      Optional<List<Advertisement.Valid>> ads = advertising.of(vip);
      if (ads.isEmpty()) {
        return; // layer 2 does not announce this pool
      }
      List<String> candidates = new ArrayList<>(eligible.stream()
          .filter(n -> ads.get().stream().anyMatch(a -> a.allowsNode(n.labels())))
          .map(NodeInfo::name)
          .toList());
      for (VipService user : users) {
        if (user.localTrafficPolicy()) {
          candidates.retainAll(user.readyEndpointNodes());
        }
      }
      candidates.sort(Comparator.comparing((String node) -> score(node, vip), Arrays::compareUnsigned)
          .thenComparing(Comparator.naturalOrder()));
      Optional<String> owner = candidates.stream().findFirst();
      result.put(vip, new Assignment(vip, owner,
          users.stream().map(VipService::ref).sorted(Comparator.comparing(ServiceRef::toString))
              .toList(),
          candidates, owner.map(o -> interfaces(ads.get(), labelsOf(nodes, o))).orElse(Set.of())));
    });
    return result;
  }

  /** Union of the interfaces of the advertisements that allow the node; empty = every one. */
  private static Set<String> interfaces(List<Advertisement.Valid> ads, Map<String, String> labels) {
    Set<String> result = new java.util.TreeSet<>();
    for (Advertisement.Valid ad : ads) {
      if (ad.allowsNode(labels)) {
        if (ad.interfaces().isEmpty()) {
          return Set.of();
        }
        result.addAll(ad.interfaces());
      }
    }
    return result;
  }

  private static Map<String, String> labelsOf(Collection<NodeInfo> nodes, String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().map(NodeInfo::labels)
        .orElse(Map.of());
  }

  /**
   * The VIPs a node wins.
   *
   * @param assignments the election result
   * @param node the node
   * @return its VIPs with their assignments
   */
  public static Map<InetAddress, Assignment> wonBy(
      Map<InetAddress, Assignment> assignments, String node) {
    Map<InetAddress, Assignment> won = new LinkedHashMap<>();
    assignments.forEach((vip, a) -> {
      if (a.owner().equals(Optional.of(node))) {
        won.put(vip, a);
      }
    });
    return won;
  }

  /**
   * The ordering key of a node for a VIP: {@code sha256(nodeName + "#" + ip)}, the address in its
   * canonical text ({@link Addresses#format}, RFC 5952 for IPv6). That is the key MetalLB's layer-2
   * mode uses, so a cluster moving from MetalLB keeps each VIP on the node that announced it.
   *
   * @param node node name
   * @param vip the address
   * @return 32 bytes, compared unsigned
   */
  public static byte[] score(String node, InetAddress vip) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest((node + "#" + Addresses.format(vip)).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
