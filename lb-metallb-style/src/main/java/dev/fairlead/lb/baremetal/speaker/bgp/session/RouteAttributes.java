package dev.fairlead.lb.baremetal.speaker.bgp.session;

import dev.fairlead.lb.baremetal.speaker.bgp.wire.PathAttribute.LargeCommunity;
import java.util.List;
import java.util.OptionalLong;

/**
 * What an announced prefix carries besides the session-wide ORIGIN, AS_PATH and next hop.
 *
 * @param localPref LOCAL_PREF for iBGP peers (eBGP peers never get it); empty = 100
 * @param communities RFC 1997 communities, sorted, without duplicates
 * @param largeCommunities RFC 8092 communities, sorted, without duplicates
 */
public record RouteAttributes(
    OptionalLong localPref, List<Long> communities, List<LargeCommunity> largeCommunities) {

  /** No local preference, no communities. */
  public static final RouteAttributes NONE =
      new RouteAttributes(OptionalLong.empty(), List.of(), List.of());

  /** Sorts, removes duplicates and copies. */
  public RouteAttributes {
    communities = communities.stream().distinct().sorted().toList();
    largeCommunities = largeCommunities.stream().distinct().sorted().toList();
  }
}
