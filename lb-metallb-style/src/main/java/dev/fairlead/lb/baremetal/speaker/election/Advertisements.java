package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies the rule that decides which pools layer 2 announces,
 * agreed with the BGP speaker so that no advertisement objects at all means exactly the behaviour
 * before advertisements existed (BGP announces a pool iff some BGPAdvertisement selects it):
 *
 * <blockquote>L2 announces a pool's addresses iff (no L2Advertisement exists and no BGPAdvertisement
 * selects the pool) or at least one valid L2Advertisement selects it.</blockquote>
 *
 * <p>{@code L2AdvertisementReader} reads the objects. An invalid L2Advertisement still counts as existing (so it never silently widens what is
 * announced) but selects nothing; its status and a Warning event name the field.
 */
public final class Advertisements {
  private Advertisements() {}

  /**
   * Applies the rule to every address.
   *
   * @param pools the pools
   * @param l2 every L2Advertisement (invalid ones included: they still count as existing)
   * @param bgpPools the pools some valid BGPAdvertisement selects (the BGP speaker's own reading,
   *     {@code BgpSpeaker.bgpPools})
   * @return the advertisements that apply to each address
   */
  public static Advertising rules(List<PoolInfo> pools, List<Advertisement> l2, Set<String> bgpPools) {
    List<PoolInfo> poolList = List.copyOf(pools);
    List<Advertisement.Valid> valid = l2.stream()
        .filter(a -> a instanceof Advertisement.Valid).map(a -> (Advertisement.Valid) a).toList();
    boolean anyL2 = !l2.isEmpty();
    Set<String> bgpSet = Set.copyOf(bgpPools);
    return vip -> {
      Optional<PoolInfo> pool = poolList.stream().filter(p -> p.contains(vip)).findFirst();
      if (pool.isEmpty()) {
        return Optional.empty();
      }
      String name = pool.get().name();
      Map<String, String> labels = pool.get().labels();
      List<Advertisement.Valid> selecting =
          valid.stream().filter(a -> a.pools().selects(name, labels)).toList();
      if (!selecting.isEmpty()) {
        return Optional.of(selecting);
      }
      if (!anyL2 && !bgpSet.contains(name)) {
        return Optional.of(List.of(Advertisement.Valid.EVERYWHERE));
      }
      return Optional.empty();
    };
  }

  /**
   * The pools an advertisement selects, for its status.
   *
   * @param ad the advertisement
   * @param pools the existing pools
   * @return names, sorted
   */
  public static List<String> selectedPools(Advertisement.Valid ad, List<PoolInfo> pools) {
    return pools.stream().filter(p -> ad.pools().selects(p.name(), p.labels())).map(PoolInfo::name)
        .sorted().toList();
  }

  /** Which advertisements apply to an address. */
  @FunctionalInterface
  public interface Advertising {
    /** No advertisement objects at all, no BGP: every pool address everywhere. */
    Advertising EVERYWHERE = vip -> Optional.of(List.of(Advertisement.Valid.EVERYWHERE));

    /**
     * The advertisements under which L2 announces an address.
     *
     * @param vip the address (inside some pool)
     * @return the applying advertisements (at least one), or empty when L2 does not announce it
     */
    Optional<List<Advertisement.Valid>> of(InetAddress vip);
  }
}
