package dev.fairlead.lb.gcp.model;

import java.util.List;
import java.util.Optional;

/**
 * One change to Compute, as {@link Planner} orders them. The executor runs each and waits for its
 * operation before the next.
 */
public sealed interface Step {

  /** Marks the checkpoint stale before a change, so a crash mid-change is never taken for done. */
  record WithdrawCheckpoint() implements Step {}

  /**
   * Reserves the address {@code a<uid>}: with {@code ip} set it promotes the address a rule uses,
   * so the rule can be recreated on it.
   *
   * @param name the address name
   * @param ip the address to promote, or empty for a new one
   * @param internal INTERNAL (in the rule's subnetwork) or EXTERNAL
   * @param tier the tier (external)
   * @param subnetwork the subnetwork (internal)
   */
  record ReserveAddress(String name, Optional<String> ip, boolean internal, ServiceOptions.Tier tier,
      Optional<String> subnetwork) implements Step {}

  /**
   * Deletes the address {@code a<uid>}; rules that use it keep it as their ephemeral address.
   *
   * @param name the address name
   */
  record ReleaseAddress(String name) implements Step {}

  /**
   * Creates or updates a health check (per-Service; the shared one is ensured once per cluster).
   *
   * @param healthCheck the check
   * @param exists update instead of create
   */
  record WriteHealthCheck(LbModel.HealthCheck healthCheck, boolean exists) implements Step {}

  /**
   * Deletes a health check that nothing uses any more.
   *
   * @param name the name
   * @param legacy httpHealthChecks (true) or healthChecks
   */
  record DeleteHealthCheck(String name, boolean legacy) implements Step {}

  /**
   * Creates or updates a firewall rule; the traffic rule gets the address and the checkpoint.
   *
   * @param firewall the rule
   * @param exists update instead of create
   */
  record WriteFirewall(LbModel.FirewallRule firewall, boolean exists) implements Step {}

  /**
   * Deletes a firewall rule.
   *
   * @param name the name
   */
  record DeleteFirewall(String name) implements Step {}

  /**
   * Creates the target pool with its first members.
   *
   * @param pool the pool
   * @param instances members
   */
  record CreatePool(LbModel.TargetPool pool, List<InstanceRef> instances) implements Step {}

  /**
   * Deletes the target pool.
   *
   * @param name the name
   */
  record DeletePool(String name) implements Step {}

  /**
   * Swaps the pool's health check in place.
   *
   * @param pool the pool
   * @param remove checks to remove
   * @param add the check to add
   */
  record SetPoolHealthCheck(String pool, List<String> remove, String add) implements Step {}

  /**
   * Adds members to the target pool (in batches of the API's per-call limit).
   *
   * @param pool the pool
   * @param instances the new members
   */
  record AddToPool(String pool, List<InstanceRef> instances) implements Step {}

  /**
   * Removes members from the target pool.
   *
   * @param pool the pool
   * @param instances the members to remove
   */
  record RemoveFromPool(String pool, List<InstanceRef> instances) implements Step {}

  /**
   * Creates or updates the backend service on the instance groups of these zones.
   *
   * @param backendService the service
   * @param zones its backends' zones
   * @param fingerprint the current fingerprint to update, or empty to create
   */
  record WriteBackendService(LbModel.BackendService backendService, List<String> zones, Optional<String> fingerprint)
      implements Step {}

  /**
   * Deletes the backend service.
   *
   * @param name the name
   */
  record DeleteBackendService(String name) implements Step {}

  /**
   * Creates a forwarding rule.
   *
   * @param rule the rule
   * @param ip the address to use, or empty for a new ephemeral one
   */
  record CreateRule(LbModel.Rule rule, Optional<String> ip) implements Step {}

  /**
   * Deletes a forwarding rule.
   *
   * @param name the name
   */
  record DeleteRule(String name) implements Step {}

  /**
   * Switches an internal rule's global access in place (the one patchable field).
   *
   * @param name the rule
   * @param allow the new value
   */
  record PatchGlobalAccess(String name, boolean allow) implements Step {}
}
