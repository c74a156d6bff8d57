package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.kube.vocabulary.LabelMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@code IPAddressPool} as written by its author, before any checking: what the cluster adapter
 * hands the IPAM.
 *
 * @param name the pool's name
 * @param created when the pool was created, for precedence between overlapping pools; empty if
 *     unknown (sorts last)
 * @param addresses the entries of {@code spec.addresses}, unparsed
 * @param autoAssign {@code spec.autoAssign}
 * @param avoidBuggyIps {@code spec.avoidBuggyIPs}
 * @param namespaces {@code spec.namespaces}
 * @param serviceSelector {@code spec.serviceSelector}, if set and valid
 * @param selectorProblem why {@code spec.serviceSelector} is invalid, if it is
 */
public record PoolDefinition(
    String name,
    Optional<Instant> created,
    List<String> addresses,
    boolean autoAssign,
    boolean avoidBuggyIps,
    Set<String> namespaces,
    Optional<LabelMatcher> serviceSelector,
    Optional<String> selectorProblem) {

  /** Validates and copies. */
  public PoolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    addresses = List.copyOf(addresses);
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(serviceSelector, "serviceSelector");
    Objects.requireNonNull(selectorProblem, "selectorProblem");
  }

  /**
   * A pool with only addresses, auto-assigned, for everyone.
   *
   * @param name the name
   * @param addresses the entries
   * @return the definition
   */
  public static PoolDefinition of(String name, String... addresses) {
    return new PoolDefinition(name, Optional.empty(), List.of(addresses), true, false, Set.of(),
        Optional.empty(), Optional.empty());
  }
}
