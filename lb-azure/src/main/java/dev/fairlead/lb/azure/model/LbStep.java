package dev.fairlead.lb.azure.model;

import java.util.List;

/**
 * One step of a load-balancer plan. All steps of a plan go out in one PUT of the whole load
 * balancer (or one DELETE), so their order does not matter to Azure.
 */
public sealed interface LbStep {
  /**
   * Adds or replaces a frontend.
   *
   * @param frontend the frontend
   */
  record UpsertFrontend(LbDocument.Frontend frontend) implements LbStep {}

  /**
   * Removes a frontend.
   *
   * @param name its name
   */
  record RemoveFrontend(String name) implements LbStep {}

  /**
   * Adds or replaces a rule.
   *
   * @param rule the rule
   */
  record UpsertRule(LbDocument.Rule rule) implements LbStep {}

  /**
   * Removes a rule.
   *
   * @param name its name
   */
  record RemoveRule(String name) implements LbStep {}

  /**
   * Adds or replaces a probe.
   *
   * @param probe the probe
   */
  record UpsertProbe(LbDocument.Probe probe) implements LbStep {}

  /**
   * Removes a probe.
   *
   * @param name its name
   */
  record RemoveProbe(String name) implements LbStep {}

  /**
   * Sets the members of a backend pool, creating it if needed.
   *
   * @param pool the pool's name
   * @param addresses the members
   */
  record SetPool(String pool, List<LbDocument.PoolAddress> addresses) implements LbStep {}

  /** Deletes the whole load balancer: nothing of any Service remains in it. */
  record DeleteLoadBalancer() implements LbStep {}
}
