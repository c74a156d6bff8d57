package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.kube.vocabulary.AddressRange;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pools in force: every {@code IPAddressPool} checked, entry by entry. An invalid entry, or one
 * that overlaps an entry already in force, is left out with a problem naming it; the rest of its
 * pool keeps working. When two entries overlap, the one that is established wins: in force before
 * this change, or holding an address a Service uses. So a pool in use is never disabled by another
 * object's arrival or widening: the newcomer is the one rejected. Between two newcomers the older
 * pool wins, then the name that sorts first.
 *
 * @param pools the usable pools (at least one entry in force), by name
 * @param problems why entries or whole pools are left out, by pool name; one line each
 */
public record PoolCatalog(List<Pool> pools, Map<String, String> problems) {

  /** Copies. */
  public PoolCatalog {
    pools = List.copyOf(pools);
    problems = Map.copyOf(problems);
  }

  /**
   * No pools.
   *
   * @return an empty catalog
   */
  public static PoolCatalog empty() {
    return new PoolCatalog(List.of(), Map.of());
  }

  /**
   * Checks the pools with nothing in force yet (the first catalog, or a test).
   *
   * @param definitions the pools as written
   * @return the catalog
   */
  public static PoolCatalog of(List<PoolDefinition> definitions) {
    return of(definitions, empty(), List.of());
  }

  /** One entry of one pool, on its way to being accepted or not. */
  private record Candidate(PoolDefinition pool, int index, AddressRange range, boolean established) {
    String label() {
      return "spec.addresses[" + index + "] " + range;
    }
  }

  /**
   * Checks the pools.
   *
   * @param definitions the pools as written
   * @param previous the catalog in force until now; its entries keep precedence
   * @param inUse addresses Services hold; entries containing one keep precedence
   * @return the catalog
   */
  public static PoolCatalog of(
      List<PoolDefinition> definitions, PoolCatalog previous, Collection<InetAddress> inUse) {
    Map<String, List<String>> problems = new LinkedHashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (PoolDefinition pool : definitions.stream().sorted(Comparator.comparing(PoolDefinition::name)).toList()) {
      if (pool.selectorProblem().isPresent()) {
        problem(problems, pool, "spec.serviceSelector: " + pool.selectorProblem().get());
        continue;
      }
      if (pool.addresses().isEmpty()) {
        problem(problems, pool, "spec.addresses is empty");
        continue;
      }
      for (int i = 0; i < pool.addresses().size(); i++) {
        try {
          AddressRange range = AddressRange.parse(pool.addresses().get(i));
          boolean established = previous.inForce(pool.name(), range)
              || inUse.stream().anyMatch(range::contains);
          candidates.add(new Candidate(pool, i, range, established));
        } catch (IllegalArgumentException e) {
          problem(problems, pool, "spec.addresses[" + i + "]: " + e.getMessage());
        }
      }
    }
    candidates.sort(Comparator.comparing((Candidate c) -> !c.established())
        .thenComparing(c -> c.pool().created().orElse(Instant.MAX))
        .thenComparing(c -> c.pool().name())
        .thenComparingInt(Candidate::index));
    List<Candidate> accepted = new ArrayList<>();
    for (Candidate candidate : candidates) {
      Optional<Candidate> clash = accepted.stream()
          .filter(a -> a.range().overlaps(candidate.range())).findFirst();
      if (clash.isEmpty()) {
        accepted.add(candidate);
        continue;
      }
      Candidate other = clash.get();
      String where = other.pool().name().equals(candidate.pool().name())
          ? other.label() + " of the same pool"
          : other.range() + " of IPAddressPool '" + other.pool().name() + "'";
      problem(problems, candidate.pool(), candidate.label() + " overlaps " + where + " and is not used");
    }
    List<Pool> pools = new ArrayList<>();
    for (PoolDefinition pool : definitions.stream().sorted(Comparator.comparing(PoolDefinition::name)).toList()) {
      List<AddressRange> blocks = accepted.stream()
          .filter(c -> c.pool() == pool)
          .sorted(Comparator.comparingInt(Candidate::index))
          .map(Candidate::range)
          .toList();
      if (!blocks.isEmpty()) {
        pools.add(new Pool(pool.name(), blocks, pool.autoAssign(), pool.avoidBuggyIps(),
            pool.namespaces(), pool.serviceSelector()));
      }
    }
    Map<String, String> joined = new LinkedHashMap<>();
    problems.forEach((name, list) -> joined.put(name, String.join("; ", list)));
    return new PoolCatalog(pools, joined);
  }

  private static void problem(Map<String, List<String>> problems, PoolDefinition pool, String text) {
    problems.computeIfAbsent(pool.name(), n -> new ArrayList<>()).add(text);
  }

  private boolean inForce(String pool, AddressRange range) {
    return pool(pool).map(p -> p.blocks().contains(range)).orElse(false);
  }

  /**
   * The usable pool with a name.
   *
   * @param name the name
   * @return the pool, if at least one of its entries is in force
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
