package dev.fairlead.lb.baremetal.kube;

import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.kube.vocabulary.Selectors;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import dev.fairlead.lb.baremetal.ipam.PoolDefinition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads an {@link IPAddressPool} object into the IPAM's {@link PoolDefinition}. */
public final class PoolDefinitions {
  private PoolDefinitions() {}

  /**
   * The pool as written.
   *
   * @param pool the object
   * @return the definition; a selector that cannot be read becomes its problem
   */
  public static PoolDefinition of(IPAddressPool pool) {
    IPAddressPoolSpec spec = pool.getSpec() == null ? new IPAddressPoolSpec() : pool.getSpec();
    Optional<LabelMatcher> selector = Optional.empty();
    Optional<String> selectorProblem = Optional.empty();
    if (spec.getServiceSelector() != null) {
      try {
        selector = Optional.of(Selectors.matcher(spec.getServiceSelector()));
      } catch (IllegalArgumentException e) {
        selectorProblem = Optional.of(e.getMessage());
      }
    }
    return new PoolDefinition(
        pool.getMetadata().getName(),
        created(pool.getMetadata().getCreationTimestamp()),
        spec.getAddresses() == null ? List.of() : spec.getAddresses(),
        !Boolean.FALSE.equals(spec.getAutoAssign()),
        Boolean.TRUE.equals(spec.getAvoidBuggyIPs()),
        spec.getNamespaces() == null ? Set.of() : Set.copyOf(spec.getNamespaces()),
        selector,
        selectorProblem);
  }

  private static Optional<Instant> created(String timestamp) {
    if (timestamp == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(timestamp));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
