package dev.fairlead.lb.baremetal.speaker.bgp.model;

import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.speaker.bgp.session.RouteAttributes;
import dev.fairlead.lb.baremetal.speaker.election.PoolInfo;
import dev.fairlead.lb.baremetal.speaker.election.VipService;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What this node announces over BGP: for each peer, the prefixes with their attributes. Every
 * eligible node allowed by an advertisement announces its addresses (ECMP at the router), so
 * planning needs no coordination between speakers.
 *
 * <p>Rules: an address is announced when its pool is selected by a valid advertisement whose node
 * selectors match this node, this node is eligible (no exclude label, no NetworkUnavailable), and,
 * when any Service on the address has {@code externalTrafficPolicy: Local}, this node has a ready
 * endpoint of each such Service. The prefix is the address masked to the advertisement's
 * aggregation length; it goes to the advertisement's peers (all by default) that peer from this
 * node. Advertisements that give one prefix to one peer merge: communities are united, the highest
 * LOCAL_PREF wins.
 *
 * @param routes peer name to prefix to attributes (every peer of this node has an entry)
 * @param advertisements per advertisement: what it made this node announce, or its error
 */
public record BgpPlan(Map<String, Map<Cidr, RouteAttributes>> routes,
    Map<String, AdvertisementResult> advertisements) {

  /**
   * An advertisement's effect on this node.
   *
   * @param prefixes distinct prefixes it contributes
   * @param peers peers it announces to
   * @param error why (part of) it is not used
   */
  public record AdvertisementResult(int prefixes, Set<String> peers, Optional<String> error) {}

  /**
   * Everything planning looks at.
   *
   * @param node this node's name
   * @param nodeLabels its labels
   * @param nodeEligible not excluded from load balancers and not NetworkUnavailable
   * @param peers valid peers
   * @param advertisements valid advertisements
   * @param pools the address pools
   * @param services LoadBalancer Services with pool addresses
   */
  public record Inputs(String node, Map<String, String> nodeLabels, boolean nodeEligible,
      List<PeerConfig> peers, List<AdvertisementConfig> advertisements, List<PoolInfo> pools,
      List<VipService> services) {}

  /**
   * Plans.
   *
   * @param in the inputs
   * @return the plan
   */
  public static BgpPlan of(Inputs in) {
    List<PeerConfig> myPeers = in.peers().stream().filter(p -> p.selects(in.nodeLabels())).toList();
    Map<String, Map<Cidr, RouteAttributes>> routes = new TreeMap<>();
    myPeers.forEach(p -> routes.put(p.name(), new LinkedHashMap<>()));
    Map<String, AdvertisementResult> results = new TreeMap<>();
    Map<InetAddress, List<VipService>> byVip = new LinkedHashMap<>();
    for (VipService s : in.services()) {
      s.vips().forEach(v -> byVip.computeIfAbsent(v, k -> new ArrayList<>()).add(s));
    }
    Set<String> knownPeers = new TreeSet<>();
    in.peers().forEach(p -> knownPeers.add(p.name()));
    for (AdvertisementConfig ad : in.advertisements()) {
      List<String> errors = new ArrayList<>();
      Set<String> targets = new LinkedHashSet<>();
      for (PeerConfig p : myPeers) {
        if (ad.peers().isEmpty() || ad.peers().contains(p.name())) {
          targets.add(p.name());
        }
      }
      ad.peers().stream().filter(n -> !knownPeers.contains(n)).sorted()
          .forEach(n -> errors.add("spec.peers: BGPPeer '" + n + "' does not exist"));
      Map<String, PoolInfo> selected = new LinkedHashMap<>();
      for (PoolInfo pool : in.pools()) {
        if (ad.selectsPool(pool.name(), pool.labels())) {
          Optional<String> bad = aggregationError(ad, pool);
          if (bad.isPresent()) {
            errors.add(bad.get());
          } else {
            selected.put(pool.name(), pool);
          }
        }
      }
      Set<Cidr> prefixes = new LinkedHashSet<>();
      if (in.nodeEligible() && ad.selectsNode(in.nodeLabels()) && !targets.isEmpty()) {
        byVip.forEach((vip, users) -> {
          boolean inPool = selected.values().stream()
              .anyMatch(p -> p.blocks().stream().anyMatch(b -> b.contains(vip)));
          boolean local = users.stream().filter(VipService::localTrafficPolicy)
              .allMatch(u -> u.readyEndpointNodes().contains(in.node()));
          if (inPool && local) {
            prefixes.add(new Cidr(vip, vip instanceof Inet4Address ? ad.aggregationLength()
                : ad.aggregationLengthV6()));
          }
        });
        for (String peer : targets) {
          Map<Cidr, RouteAttributes> table = routes.get(peer);
          prefixes.forEach(p -> table.merge(p, ad.attributes(), BgpPlan::merge));
        }
      }
      results.put(ad.name(), new AdvertisementResult(prefixes.size(),
          prefixes.isEmpty() ? Set.of() : targets,
          errors.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", errors))));
    }
    return new BgpPlan(routes, results);
  }

  /**
   * The pools some valid advertisement selects: these are announced by BGP and, unless an
   * L2Advertisement selects them too, not by ARP/NDP.
   *
   * @param pools the pools
   * @param advertisements valid advertisements
   * @return pool names
   */
  public static Set<String> bgpPools(Collection<PoolInfo> pools,
      Collection<AdvertisementConfig> advertisements) {
    Set<String> names = new TreeSet<>();
    for (PoolInfo pool : pools) {
      if (advertisements.stream().anyMatch(a -> a.selectsPool(pool.name(), pool.labels()))) {
        names.add(pool.name());
      }
    }
    return names;
  }

  static RouteAttributes merge(RouteAttributes a, RouteAttributes b) {
    OptionalLong pref = a.localPref().isEmpty() ? b.localPref()
        : b.localPref().isEmpty() ? a.localPref()
        : OptionalLong.of(Math.max(a.localPref().getAsLong(), b.localPref().getAsLong()));
    return new RouteAttributes(pref,
        Stream.concat(a.communities().stream(), b.communities().stream()).toList(),
        Stream.concat(a.largeCommunities().stream(), b.largeCommunities().stream()).toList());
  }

  /**
   * An aggregate must not cover addresses outside the pool (MetalLB's rule): each block must be a
   * union of aligned prefixes of the aggregation length.
   */
  static Optional<String> aggregationError(AdvertisementConfig ad, PoolInfo pool) {
    for (AddressRange block : pool.blocks()) {
      int bytes = block.first().getAddress().length;
      int bits = bytes * 8;
      int length = bytes == 4 ? ad.aggregationLength() : ad.aggregationLengthV6();
      if (!aligned(block, bits - length)) {
        int shortest = length;
        while (shortest < bits && !aligned(block, bits - shortest)) {
          shortest++;
        }
        String field = bytes == 4 ? "spec.aggregationLength" : "spec.aggregationLengthV6";
        return Optional.of(field + " " + length + " would announce addresses outside IPAddressPool '"
            + pool.name() + "' (" + describe(block) + "); use at least " + shortest);
      }
    }
    return Optional.empty();
  }

  private static boolean aligned(AddressRange block, int hostBits) {
    BigInteger size = BigInteger.ONE.shiftLeft(hostBits);
    return AddressRange.number(block.first()).mod(size).signum() == 0
        && AddressRange.number(block.last()).add(BigInteger.ONE).mod(size).signum() == 0;
  }

  private static String describe(AddressRange block) {
    return dev.fairlead.lb.api.IpLiteral.format(block.first()) + "-"
        + dev.fairlead.lb.api.IpLiteral.format(block.last());
  }
}
