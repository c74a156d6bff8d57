package dev.fairlead.lb.aws.internal.model;

/** A security group the NLB should carry, known by ID or created by the same plan. */
public sealed interface GroupRef {

  /** The Service's managed frontend group that a step of the same plan creates. */
  record NewFrontend() implements GroupRef {}

  /**
   * A group that exists: the frontend group, the cluster's backend group, or a user's group.
   *
   * @param id the group ID
   */
  record Existing(String id) implements GroupRef {}
}
