package dev.fairlead.lb.azure.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Merges many Services' changes into one shared load balancer: the pure heart of the coalescing
 * writer. Each change touches only what its owner prefix names, so the merge of any set of
 * changes keeps everybody else's sub-resources; a change that would break Azure's limits is
 * rejected alone, before it can fail the write of the others.
 */
public final class LbMerge {

  /**
   * Azure's per-load-balancer quotas that the merge checks before writing.
   *
   * @param frontends frontend IP configurations per load balancer (Standard: 600)
   * @param rules load-balancing rules per load balancer (1,500)
   */
  public record Limits(int frontends, int rules) {
    /**
     * Azure's limits for Standard load balancers.
     *
     * @return 600 frontends, 1,500 rules
     */
    public static Limits standard() {
      return new Limits(600, 1500);
    }
  }

  /**
   * What the merge produced.
   *
   * @param merged the load balancer after the changes that were accepted
   * @param steps what to write; empty if the changes are already in place
   * @param rejected why a change was not applied, by its index in the input
   */
  public record Result(LbDocument merged, List<LbStep> steps, Map<Integer, String> rejected) {
    /** Copies. */
    public Result {
      Objects.requireNonNull(merged, "merged");
      steps = List.copyOf(steps);
      rejected = Map.copyOf(rejected);
    }

    /**
     * Whether the load balancer must be written.
     *
     * @return true if there are steps
     */
    public boolean changed() {
      return !steps.isEmpty();
    }

    /**
     * Whether the plan deletes the load balancer.
     *
     * @return true if the only step is the delete
     */
    public boolean deletes() {
      return steps.stream().anyMatch(LbStep.DeleteLoadBalancer.class::isInstance);
    }
  }

  private LbMerge() {}

  /**
   * Applies changes, in order, to a load balancer.
   *
   * @param current the load balancer as last read or written
   * @param changes the changes of one batch, in arrival order
   * @param poolName the shared backend pool
   * @param limits the quotas to respect
   * @return the merged document, the steps and the rejected changes
   */
  public static Result merge(LbDocument current, List<LbChange> changes, String poolName, Limits limits) {
    Map<String, LbDocument.Frontend> frontends = byName(current.frontends(), LbDocument.Frontend::name);
    Map<String, LbDocument.Rule> rules = byName(current.rules(), LbDocument.Rule::name);
    Map<String, LbDocument.Probe> probes = byName(current.probes(), LbDocument.Probe::name);
    Optional<List<LbDocument.PoolAddress>> pool = current.pool(poolName).map(LbDocument.Pool::addresses);
    boolean removal = false;
    Map<Integer, String> rejected = new TreeMap<>();
    for (int i = 0; i < changes.size(); i++) {
      switch (changes.get(i)) {
        case LbChange.PutPart put -> {
          LbPart part = put.part();
          long frontendsAfter = frontends.keySet().stream().filter(n -> !Names.ownedBy(n, part.owner())).count() + 1;
          long rulesAfter = rules.keySet().stream().filter(n -> !Names.ownedBy(n, part.owner())).count()
              + part.rules().size();
          if (frontendsAfter > limits.frontends()) {
            rejected.put(i, "the load balancer would have " + frontendsAfter + " frontend IP configurations,"
                + " more than Azure's limit of " + limits.frontends());
            continue;
          }
          if (rulesAfter > limits.rules()) {
            rejected.put(i, "the load balancer would have " + rulesAfter + " load-balancing rules, more than"
                + " Azure's limit of " + limits.rules());
            continue;
          }
          removeOwned(part.owner(), frontends, rules, probes);
          LbDocument.Frontend previous = current.frontend(part.frontend().name()).orElse(null);
          LbDocument.Frontend frontend = previous != null && previous.sameSettings(part.frontend())
              ? previous : part.frontend();
          frontends.put(key(frontend.name()), frontend);
          part.probes().forEach(p -> probes.put(key(p.name()), p));
          part.rules().forEach(r -> rules.put(key(r.name()), r));
        }
        case LbChange.RemovePart remove -> {
          removal = true;
          removeOwned(remove.owner(), frontends, rules, probes);
        }
        case LbChange.SetBackends set -> pool = Optional.of(set.addresses());
      }
    }
    List<LbDocument.Pool> pools = new ArrayList<>();
    boolean poolSeen = false;
    for (LbDocument.Pool p : current.pools()) {
      if (p.name().equalsIgnoreCase(poolName)) {
        poolSeen = true;
        pools.add(new LbDocument.Pool(p.name(), pool.orElse(p.addresses())));
      } else {
        pools.add(p);
      }
    }
    if (!poolSeen && pool.isPresent()) {
      pools.add(new LbDocument.Pool(poolName, pool.get()));
    }
    LbDocument merged = new LbDocument(current.exists(), current.etag(), List.copyOf(frontends.values()),
        List.copyOf(rules.values()), List.copyOf(probes.values()), pools, current.otherContent());

    List<LbStep> steps = new ArrayList<>();
    if (frontends.isEmpty()) {
      if (current.exists() && removal && !current.otherContent()) {
        steps.add(new LbStep.DeleteLoadBalancer());
      }
      // Without any frontend there is nothing to create or keep; the pool waits for the next part.
      return new Result(merged, steps, rejected);
    }
    diff(current.frontends(), merged.frontends(), LbDocument.Frontend::name,
        (a, b) -> a.sameSettings(b), f -> steps.add(new LbStep.UpsertFrontend(f)),
        n -> steps.add(new LbStep.RemoveFrontend(n)));
    diff(current.probes(), merged.probes(), LbDocument.Probe::name, Object::equals,
        p -> steps.add(new LbStep.UpsertProbe(p)), n -> steps.add(new LbStep.RemoveProbe(n)));
    diff(current.rules(), merged.rules(), LbDocument.Rule::name, Object::equals,
        r -> steps.add(new LbStep.UpsertRule(r)), n -> steps.add(new LbStep.RemoveRule(n)));
    Optional<List<LbDocument.PoolAddress>> before = current.pool(poolName).map(LbDocument.Pool::addresses);
    Optional<List<LbDocument.PoolAddress>> after = merged.pool(poolName).map(LbDocument.Pool::addresses);
    if (!before.equals(after) || (after.isEmpty() && !merged.rules().isEmpty())) {
      steps.add(new LbStep.SetPool(poolName, after.orElse(List.of())));
    }
    return new Result(merged, steps, rejected);
  }

  private static void removeOwned(String owner, Map<String, LbDocument.Frontend> frontends,
      Map<String, LbDocument.Rule> rules, Map<String, LbDocument.Probe> probes) {
    frontends.keySet().removeIf(n -> Names.ownedBy(n, owner));
    rules.keySet().removeIf(n -> Names.ownedBy(n, owner));
    probes.keySet().removeIf(n -> Names.ownedBy(n, owner));
  }

  private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    Map<String, T> out = new LinkedHashMap<>();
    items.forEach(i -> out.put(key(name.apply(i)), i));
    return out;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static <T> void diff(List<T> before, List<T> after, Function<T, String> name,
      java.util.function.BiPredicate<T, T> same, java.util.function.Consumer<T> upsert,
      java.util.function.Consumer<String> remove) {
    Map<String, T> old = byName(before, name);
    Map<String, T> now = byName(after, name);
    now.forEach((k, v) -> {
      T was = old.get(k);
      if (was == null || !same.test(was, v)) {
        upsert.accept(v);
      }
    });
    old.forEach((k, v) -> {
      if (!now.containsKey(k)) {
        remove.accept(name.apply(v));
      }
    });
  }
}
