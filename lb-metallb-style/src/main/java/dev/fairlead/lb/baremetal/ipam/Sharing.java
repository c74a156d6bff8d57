package dev.fairlead.lb.baremetal.ipam;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * On which terms a Service offers to share its address: Services with the same key share one
 * address when their ports do not clash and one node can serve them all (the same traffic policy,
 * and for {@code Local} the same pods).
 *
 * @param key the sharing key (annotation {@code fairlead.dev/allow-shared-ip})
 * @param ports the Service's ports as {@code port/PROTOCOL}
 * @param local whether its {@code externalTrafficPolicy} is {@code Local}
 * @param podSelector its pod selector (matters for {@code Local})
 */
public record Sharing(String key, Set<String> ports, boolean local, Map<String, String> podSelector) {

  /** Validates and copies. */
  public Sharing {
    Objects.requireNonNull(key, "key");
    ports = Set.copyOf(ports);
    podSelector = Map.copyOf(podSelector);
  }

  /**
   * Why a Service with these terms cannot share an address with one holding {@code other}.
   *
   * @param other the holder's terms
   * @return the reason, or empty if they can share
   */
  public Optional<String> conflictWith(Sharing other) {
    if (!key.equals(other.key)) {
      return Optional.of("its sharing key is '" + other.key + "', not '" + key + "'");
    }
    Set<String> clash = new TreeSet<>(ports);
    clash.retainAll(other.ports);
    if (!clash.isEmpty()) {
      return Optional.of("both use port" + (clash.size() > 1 ? "s " : " ") + String.join(", ", clash));
    }
    if (local != other.local) {
      return Optional.of("its externalTrafficPolicy is " + (other.local ? "Local" : "Cluster")
          + ", this Service's " + (local ? "Local" : "Cluster"));
    }
    if (local && !podSelector.equals(other.podSelector)) {
      return Optional.of("with externalTrafficPolicy Local both must select the same pods, but the"
          + " selectors differ (" + other.podSelector + " vs " + podSelector + ")");
    }
    return Optional.empty();
  }
}
