package dev.fairlead.lb.aws.internal.model;

import java.util.List;

/**
 * The steps that bring one Service's resources from what was observed to what the model wants, in
 * a safe order: security groups first (the frontend group witnesses that the Service has
 * resources), target groups and their targets before the NLB, listeners after it, deletes of what
 * no listener uses after the switch, and the checkpoint last.
 *
 * @param steps the steps, in order; empty when everything matches
 */
public record Plan(List<Step> steps) {
  /** Copies. */
  public Plan {
    steps = List.copyOf(steps);
  }

  /**
   * The step summaries, for logs and tests.
   *
   * @return one line per step
   */
  public List<String> summaries() {
    return steps.stream().map(Step::summary).toList();
  }
}
