package dev.fairlead.lb.baremetal.speaker.election;

import dev.fairlead.kube.vocabulary.LabelMatcher;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which address pools an advertisement selects: by name ({@code ipAddressPools}) or label ({@code
 * ipAddressPoolSelectors}); with neither, every pool (MetalLB's rule for both L2 and BGP
 * advertisements).
 *
 * @param names pool names
 * @param selectors label selectors on the pools
 */
public record PoolSelector(Set<String> names, List<LabelMatcher> selectors) {
  /** Selects every pool. */
  public static final PoolSelector ALL = new PoolSelector(Set.of(), List.of());

  /** Copies. */
  public PoolSelector {
    names = Set.copyOf(names);
    selectors = List.copyOf(selectors);
  }

  /**
   * Whether a pool is selected.
   *
   * @param pool the pool's name
   * @param labels the pool's labels
   * @return true if selected
   */
  public boolean selects(String pool, Map<String, String> labels) {
    return (names.isEmpty() && selectors.isEmpty()) || names.contains(pool)
        || selectors.stream().anyMatch(s -> s.matches(labels));
  }
}
