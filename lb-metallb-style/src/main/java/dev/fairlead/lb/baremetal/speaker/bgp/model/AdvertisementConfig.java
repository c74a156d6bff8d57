package dev.fairlead.lb.baremetal.speaker.bgp.model;

import dev.fairlead.lb.baremetal.crd.BGPAdvertisement;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisementSpec;
import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.lb.baremetal.speaker.bgp.session.RouteAttributes;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.PathAttribute.LargeCommunity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated {@code BGPAdvertisement}.
 *
 * @param name the object's name
 * @param aggregationLength IPv4 prefix length to announce
 * @param aggregationLengthV6 IPv6 prefix length to announce
 * @param attributes LOCAL_PREF and communities
 * @param pools pool names
 * @param poolSelectors pool label selectors (with {@code pools} empty: every pool)
 * @param nodeSelectors nodes that announce; empty = all
 * @param peers peer names; empty = all
 */
public record AdvertisementConfig(String name, int aggregationLength, int aggregationLengthV6,
    RouteAttributes attributes, Set<String> pools, List<LabelMatcher> poolSelectors,
    List<LabelMatcher> nodeSelectors, Set<String> peers) {

  private static final Pattern COMMUNITY = Pattern.compile("(\\d+):(\\d+)");
  private static final Pattern LARGE = Pattern.compile("large:(\\d+):(\\d+):(\\d+)");
  private static final Map<String, Long> WELL_KNOWN = Map.of(
      "no-export", 0xFFFF_FF01L, "no-advertise", 0xFFFF_FF02L,
      "no-export-subconfed", 0xFFFF_FF03L, "no-peer", 0xFFFF_FF04L);

  /** Copies. */
  public AdvertisementConfig {
    pools = Set.copyOf(pools);
    poolSelectors = List.copyOf(poolSelectors);
    nodeSelectors = List.copyOf(nodeSelectors);
    peers = Set.copyOf(peers);
  }

  /**
   * Whether this advertisement covers a pool.
   *
   * @param pool the pool's name
   * @param labels its labels
   * @return true when named or matched, or when no pool is named or selected at all
   */
  public boolean selectsPool(String pool, Map<String, String> labels) {
    return (pools.isEmpty() && poolSelectors.isEmpty()) || pools.contains(pool)
        || poolSelectors.stream().anyMatch(m -> m.matches(labels));
  }

  /**
   * Whether a node announces for this advertisement.
   *
   * @param nodeLabels the node's labels
   * @return true if no selector is set or any matches
   */
  public boolean selectsNode(Map<String, String> nodeLabels) {
    return nodeSelectors.isEmpty() || nodeSelectors.stream().anyMatch(m -> m.matches(nodeLabels));
  }

  /**
   * Validates a BGPAdvertisement.
   *
   * @param ad the object
   * @return the configuration, or the error naming the field
   */
  public static Parsed<AdvertisementConfig> parse(BGPAdvertisement ad) {
    BGPAdvertisementSpec s = ad.getSpec() == null
        ? new BGPAdvertisementSpec(null, null, null, null, null, null, null, null) : ad.getSpec();
    try {
      int v4 = s.aggregationLength() == null ? 32 : s.aggregationLength();
      int v6 = s.aggregationLengthV6() == null ? 128 : s.aggregationLengthV6();
      if (v4 < 0 || v4 > 32) {
        throw new IllegalArgumentException("spec.aggregationLength must be 0-32, got " + v4);
      }
      if (v6 < 0 || v6 > 128) {
        throw new IllegalArgumentException("spec.aggregationLengthV6 must be 0-128, got " + v6);
      }
      OptionalLong localPref = OptionalLong.empty();
      if (s.localPref() != null) {
        if (s.localPref() < 0 || s.localPref() > 0xFFFF_FFFFL) {
          throw new IllegalArgumentException("spec.localPref must be 0-4294967295");
        }
        localPref = OptionalLong.of(s.localPref());
      }
      List<Long> communities = new ArrayList<>();
      List<LargeCommunity> large = new ArrayList<>();
      List<String> texts = s.communities() == null ? List.of() : s.communities();
      for (int i = 0; i < texts.size(); i++) {
        community("spec.communities[" + i + "]", texts.get(i), communities, large);
      }
      return Parsed.ok(new AdvertisementConfig(ad.getMetadata().getName(), v4, v6,
          new RouteAttributes(localPref, communities, large),
          s.ipAddressPools() == null ? Set.of() : Set.copyOf(s.ipAddressPools()),
          PeerConfig.selectors("spec.ipAddressPoolSelectors", s.ipAddressPoolSelectors()),
          PeerConfig.selectors("spec.nodeSelectors", s.nodeSelectors()),
          s.peers() == null ? Set.of() : Set.copyOf(s.peers())));
    } catch (IllegalArgumentException e) {
      return Parsed.error(e.getMessage());
    }
  }

  static void community(String field, String text, List<Long> communities,
      List<LargeCommunity> large) {
    String t = text == null ? "" : text.strip();
    Long known = WELL_KNOWN.get(t.toLowerCase(java.util.Locale.ROOT));
    Matcher c = COMMUNITY.matcher(t);
    Matcher l = LARGE.matcher(t);
    try {
      if (known != null) {
        communities.add(known);
      } else if (c.matches()) {
        long high = Long.parseLong(c.group(1));
        long low = Long.parseLong(c.group(2));
        if (high > 0xffff || low > 0xffff) {
          throw new NumberFormatException();
        }
        communities.add((high << 16) | low);
      } else if (l.matches()) {
        long[] parts = {Long.parseLong(l.group(1)), Long.parseLong(l.group(2)),
            Long.parseLong(l.group(3))};
        for (long p : parts) {
          if (p > 0xFFFF_FFFFL) {
            throw new NumberFormatException();
          }
        }
        large.add(new LargeCommunity(parts[0], parts[1], parts[2]));
      } else {
        throw new IllegalArgumentException(field + ": '" + text + "' is not a community such as"
            + " 65000:100 or large:65000:1:2 (Community aliases are not supported; write the value)");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is out of range (16-bit"
          + " halves, or three 32-bit parts for a large community)");
    }
  }
}
