package dev.fairlead.lb.azure.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Merges Services' admissions into the cluster's network security group. Rules are consolidated:
 * Services with the same protocol, sources and ports share one rule that lists all their
 * addresses, so a thousand default Services need one rule, not a thousand (Azure allows 1,000 per
 * group, k8s#54899). A Service is identified in a shared rule by its addresses (or, in rules to
 * the nodes, by its node ports, which are unique in a cluster), so removing it never disturbs the
 * others. Rules of others are never touched.
 */
public final class NsgMerge {
  /** The first priority the provider gives its rules (upstream's range starts here). */
  public static final int FIRST_PRIORITY = 500;
  /** The last priority Azure allows. */
  public static final int LAST_PRIORITY = 4096;
  private static final String TO_NODES = " (to nodes)";

  /**
   * What the merge produced.
   *
   * @param rules every rule after the changes
   * @param upserts the rules to add or replace
   * @param removals the names of the rules to remove
   */
  public record Result(List<SecurityRule> rules, List<SecurityRule> upserts, List<String> removals) {
    /** Copies. */
    public Result {
      rules = List.copyOf(rules);
      upserts = List.copyOf(upserts);
      removals = List.copyOf(removals);
    }

    /**
     * Whether the group must be written.
     *
     * @return true if anything changes
     */
    public boolean changed() {
      return !upserts.isEmpty() || !removals.isEmpty();
    }
  }

  private NsgMerge() {}

  /**
   * Applies changes, in order.
   *
   * @param cluster the cluster name
   * @param current the group's rules as last read or written
   * @param changes the changes of one batch
   * @return the new rules and what to write
   * @throws IllegalStateException if no priority is free for a new rule
   */
  public static Result merge(String cluster, List<SecurityRule> current, List<NsgChange> changes) {
    String marker = SecurityRule.marker(cluster);
    Map<String, SecurityRule> rules = new LinkedHashMap<>();
    current.forEach(r -> rules.put(key(r.name()), r));
    for (NsgChange change : changes) {
      switch (change) {
        case NsgChange.PutService put -> {
          Map<String, SecurityRule> snapshot = new LinkedHashMap<>(rules);
          forget(rules, put.owner(), put.addresses(), put.nodePorts());
          for (NsgChange.Key k : put.keys()) {
            if (put.dedicated()) {
              for (String port : k.ports()) {
                for (String source : k.sources()) {
                  String name = Names.dedicatedSecurityRule(put.owner(), k.protocol(), port, source);
                  SecurityRule was = snapshot.get(key(name));
                  rules.put(key(name), new SecurityRule(name, "Inbound", was == null ? 0 : was.priority(),
                      k.protocol(), List.of(source),
                      List.of(port), sorted(k.toNodes() ? put.nodes() : put.addresses()), Optional.empty()));
                }
              }
            } else if (k.toNodes()) {
              String name = Names.securityRule(cluster, k.protocol(), k.sources(), List.of(), true);
              SecurityRule existing = rules.get(key(name));
              Set<String> ports = new TreeSet<>(existing == null ? List.of() : existing.ports());
              ports.addAll(k.ports());
              rules.put(key(name), new SecurityRule(name, "Inbound", existing == null ? 0 : existing.priority(),
                  k.protocol(), k.sources(), sortedPorts(ports), sorted(put.nodes()),
                  Optional.of(marker + TO_NODES)));
            } else {
              String name = Names.securityRule(cluster, k.protocol(), k.sources(), k.ports(), false);
              SecurityRule existing = rules.get(key(name));
              Set<String> destinations = new TreeSet<>(existing == null ? List.of() : existing.destinations());
              destinations.addAll(put.addresses());
              rules.put(key(name), new SecurityRule(name, "Inbound", existing == null ? 0 : existing.priority(),
                  k.protocol(), k.sources(), k.ports(), sorted(destinations), Optional.of(marker)));
            }
          }
        }
        case NsgChange.RemoveService remove -> forget(rules, remove.owner(), remove.addresses(), remove.nodePorts());
        case NsgChange.SetNodes set -> rules.replaceAll((k, r) -> isOurs(r, marker) && toNodes(r)
            ? r.withDestinations(sorted(set.nodes())) : r);
      }
    }
    rules.values().removeIf(r -> managed(r) && (r.destinations().isEmpty() || r.ports().isEmpty()));

    Set<Integer> used = new HashSet<>();
    rules.values().stream().filter(r -> r.direction().equalsIgnoreCase("Inbound") && r.priority() > 0)
        .forEach(r -> used.add(r.priority()));
    int next = FIRST_PRIORITY;
    for (Map.Entry<String, SecurityRule> e : rules.entrySet()) {
      SecurityRule r = e.getValue();
      if (r.priority() > 0) {
        continue;
      }
      while (used.contains(next)) {
        next++;
      }
      if (next > LAST_PRIORITY) {
        throw new IllegalStateException("no free security rule priority between " + FIRST_PRIORITY + " and "
            + LAST_PRIORITY + " in the network security group");
      }
      used.add(next);
      e.setValue(new SecurityRule(r.name(), r.direction(), next, r.protocol(), r.sources(), r.ports(),
          r.destinations(), r.description()));
    }

    Map<String, SecurityRule> before = new LinkedHashMap<>();
    current.forEach(r -> before.put(key(r.name()), r));
    List<SecurityRule> upserts = new ArrayList<>();
    rules.forEach((k, r) -> {
      SecurityRule was = before.get(k);
      if (was == null || !was.equals(r)) {
        upserts.add(r);
      }
    });
    List<String> removals = new ArrayList<>();
    before.forEach((k, r) -> {
      if (!rules.containsKey(k)) {
        removals.add(r.name());
      }
    });
    return new Result(List.copyOf(rules.values()), upserts, removals);
  }

  /** Removes a Service from every managed rule and drops its dedicated rules. */
  private static void forget(Map<String, SecurityRule> rules, String owner, Set<String> addresses,
      Set<String> nodePorts) {
    rules.values().removeIf(r -> Names.ownedBy(r.name(), owner));
    rules.replaceAll((k, r) -> {
      if (!r.name().startsWith(Names.SECURITY_RULE_PREFIX)) {
        return r;
      }
      if (toNodes(r)) {
        return r.withPorts(r.ports().stream().filter(p -> !nodePorts.contains(p)).toList());
      }
      return r.withDestinations(r.destinations().stream().filter(d -> !addresses.contains(d)).toList());
    });
  }

  private static boolean managed(SecurityRule r) {
    return r.name().startsWith(Names.SECURITY_RULE_PREFIX) || r.name().matches("a[0-9a-f]{31}-.*");
  }

  private static boolean isOurs(SecurityRule r, String marker) {
    return r.name().startsWith(Names.SECURITY_RULE_PREFIX)
        && r.description().filter(d -> d.startsWith(marker)).isPresent();
  }

  /** Rules to the nodes carry it in their description (their name hashes "nodes" and no ports). */
  private static boolean toNodes(SecurityRule r) {
    return r.description().map(d -> d.endsWith(TO_NODES)).orElse(false);
  }

  private static List<String> sorted(java.util.Collection<String> values) {
    return List.copyOf(new TreeSet<>(values));
  }

  private static List<String> sortedPorts(java.util.Collection<String> ports) {
    return ports.stream().distinct().sorted((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)))
        .toList();
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
