package dev.fairlead.lb.azure.model;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One Service's part of a shared load balancer: its frontend and the rules and probes on it. Every
 * name starts with the owner prefix, so a part can be replaced or removed without touching
 * anything else.
 *
 * @param owner the owner prefix ({@link Names#owner})
 * @param frontend the frontend
 * @param rules the rules
 * @param probes the probes
 */
public record LbPart(String owner, LbDocument.Frontend frontend, List<LbDocument.Rule> rules,
    List<LbDocument.Probe> probes) {

  /** Copies and checks that the part is consistent: owned names, references inside the part. */
  public LbPart {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(frontend, "frontend");
    rules = List.copyOf(rules);
    probes = List.copyOf(probes);
    Optional<String> problem = problem(owner, frontend, rules, probes);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
  }

  private static Optional<String> problem(String owner, LbDocument.Frontend frontend, List<LbDocument.Rule> rules,
      List<LbDocument.Probe> probes) {
    if (!Names.ownedBy(frontend.name(), owner)) {
      return Optional.of("frontend " + frontend.name() + " is not named after " + owner);
    }
    Set<String> probeNames = new HashSet<>();
    for (LbDocument.Probe p : probes) {
      if (!Names.ownedBy(p.name(), owner) || !probeNames.add(p.name().toLowerCase(Locale.ROOT))) {
        return Optional.of("probe " + p.name() + " is not owned by " + owner + " or repeats");
      }
    }
    Set<String> ruleNames = new HashSet<>();
    for (LbDocument.Rule r : rules) {
      if (!Names.ownedBy(r.name(), owner) || !ruleNames.add(r.name().toLowerCase(Locale.ROOT))) {
        return Optional.of("rule " + r.name() + " is not owned by " + owner + " or repeats");
      }
      if (!r.frontend().equalsIgnoreCase(frontend.name())) {
        return Optional.of("rule " + r.name() + " uses frontend " + r.frontend() + ", not " + frontend.name());
      }
      if (r.probe().isPresent() && !probeNames.contains(r.probe().get().toLowerCase(Locale.ROOT))) {
        return Optional.of("rule " + r.name() + " uses probe " + r.probe().get() + ", which the part lacks");
      }
    }
    return Optional.empty();
  }
}
