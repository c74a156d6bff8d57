package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pools in force: every {@code IPAddressPool} parsed and checked, in name order. A pool that is
 * invalid, or overlaps a pool earlier in name order, is left out with an error naming the cause, so
 * one bad pool never disturbs the others.
 *
 * @param pools the usable pools, by name
 * @param errors why each unusable pool was left out, by pool name
 */
public record PoolCatalog(List<Pool> pools, Map<String, String> errors) {

  /** Copies. */
  public PoolCatalog {
    pools = List.copyOf(pools);
    errors = Map.copyOf(errors);
  }

  /**
   * Parses and checks the pool resources.
   *
   * @param resources the IPAddressPools as read from the cluster
   * @return the catalog
   */
  public static PoolCatalog of(List<IPAddressPool> resources) {
    List<IPAddressPool> sorted = new ArrayList<>(resources);
    sorted.sort(Comparator.comparing(r -> r.getMetadata().getName()));
    List<Pool> valid = new ArrayList<>();
    Map<String, String> errors = new LinkedHashMap<>();
    for (IPAddressPool resource : sorted) {
      String name = resource.getMetadata().getName();
      Pool pool;
      try {
        pool = parse(name, resource.getSpec());
      } catch (IllegalArgumentException e) {
        errors.put(name, e.getMessage());
        continue;
      }
      Optional<String> overlap = overlap(pool, valid);
      if (overlap.isPresent()) {
        errors.put(name, overlap.get());
      } else {
        valid.add(pool);
      }
    }
    return new PoolCatalog(valid, errors);
  }

  static Pool parse(String name, IPAddressPoolSpec spec) {
    if (spec == null || spec.getAddresses() == null || spec.getAddresses().isEmpty()) {
      throw new IllegalArgumentException("spec.addresses is empty");
    }
    List<AddressBlock> blocks = new ArrayList<>();
    for (int i = 0; i < spec.getAddresses().size(); i++) {
      AddressBlock block;
      try {
        block = AddressBlock.parse(spec.getAddresses().get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("spec.addresses[" + i + "]: " + e.getMessage(), e);
      }
      for (AddressBlock earlier : blocks) {
        if (earlier.overlaps(block)) {
          throw new IllegalArgumentException(
              "spec.addresses[" + i + "] " + block + " overlaps " + earlier + " in the same pool");
        }
      }
      blocks.add(block);
    }
    Optional<LabelMatcher> selector;
    try {
      selector = Optional.ofNullable(spec.getServiceSelector()).map(LabelMatcher::of);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spec.serviceSelector: " + e.getMessage(), e);
    }
    return new Pool(
        name,
        blocks,
        !Boolean.FALSE.equals(spec.getAutoAssign()),
        Boolean.TRUE.equals(spec.getAvoidBuggyIPs()),
        spec.getNamespaces() == null ? java.util.Set.of() : new HashSet<>(spec.getNamespaces()),
        selector);
  }

  private static Optional<String> overlap(Pool pool, List<Pool> earlier) {
    for (Pool other : earlier) {
      for (AddressBlock mine : pool.blocks()) {
        for (AddressBlock theirs : other.blocks()) {
          if (mine.overlaps(theirs)) {
            return Optional.of(mine + " overlaps " + theirs + " of IPAddressPool '" + other.name() + "'");
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The usable pool with a name.
   *
   * @param name the name
   * @return the pool, if usable
   */
  public Optional<Pool> pool(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * The usable pool containing an address.
   *
   * @param address the address
   * @return the pool, if any
   */
  public Optional<Pool> poolOf(InetAddress address) {
    return pools.stream().filter(p -> p.contains(address)).findFirst();
  }
}
