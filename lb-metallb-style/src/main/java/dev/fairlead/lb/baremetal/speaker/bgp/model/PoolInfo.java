package dev.fairlead.lb.baremetal.speaker.bgp.model;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.kube.vocabulary.AddressRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What planning needs of an {@code IPAddressPool}.
 *
 * @param name its name
 * @param labels its labels (for {@code ipAddressPoolSelectors})
 * @param blocks its address blocks; malformed entries are left out (the controller reports them)
 */
public record PoolInfo(String name, Map<String, String> labels, List<AddressRange> blocks) {

  /** Copies. */
  public PoolInfo {
    labels = Map.copyOf(labels);
    blocks = List.copyOf(blocks);
  }

  /**
   * Maps pools.
   *
   * @param pools the objects
   * @return one entry each
   */
  public static List<PoolInfo> of(Collection<IPAddressPool> pools) {
    List<PoolInfo> result = new ArrayList<>();
    for (IPAddressPool pool : pools) {
      List<AddressRange> blocks = new ArrayList<>();
      if (pool.getSpec() != null && pool.getSpec().getAddresses() != null) {
        for (String entry : pool.getSpec().getAddresses()) {
          try {
            blocks.add(AddressRange.parse(entry));
          } catch (IllegalArgumentException e) {
            // reported by the controller on the pool
          }
        }
      }
      result.add(new PoolInfo(pool.getMetadata().getName(),
          Optional.ofNullable(pool.getMetadata().getLabels()).orElse(Map.of()), blocks));
    }
    return result;
  }
}
