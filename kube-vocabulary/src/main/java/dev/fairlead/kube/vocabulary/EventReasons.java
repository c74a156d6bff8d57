package dev.fairlead.kube.vocabulary;

/**
 * The reasons of every Kubernetes Event Fairlead records, so {@code kubectl describe} and alerts on
 * event reasons see one vocabulary. The first group is the upstream service controller's, kept
 * verbatim because users and tools rely on them.
 */
public final class EventReasons {
  private EventReasons() {}

  /** Upstream: a load balancer is being created or changed. */
  public static final String ENSURING = "EnsuringLoadBalancer";
  /** Upstream: the load balancer matches the Service. */
  public static final String ENSURED = "EnsuredLoadBalancer";
  /** Upstream: the backend nodes were updated. */
  public static final String UPDATED = "UpdatedLoadBalancer";
  /** Upstream: the load balancer is being deleted. */
  public static final String DELETING = "DeletingLoadBalancer";
  /** Upstream: the load balancer is gone. */
  public static final String DELETED = "DeletedLoadBalancer";
  /** Upstream Warning: creating or changing the load balancer failed. */
  public static final String SYNC_FAILED = "SyncLoadBalancerFailed";
  /** Upstream Warning: updating the backend nodes failed. */
  public static final String UPDATE_FAILED = "UpdateLoadBalancerFailed";
  /** Upstream Warning: deleting the load balancer failed. */
  public static final String DELETE_FAILED = "DeleteLoadBalancerFailed";
  /** Upstream Warning: no node may carry the traffic. */
  public static final String UNAVAILABLE = "UnAvailableLoadBalancer";

  /**
   * Warning: the published status keeps being rewritten by someone else, so another implementation
   * serves the same load-balancer class (two default implementations, for example).
   */
  public static final String STATUS_CONTESTED = "LoadBalancerStatusContested";

  /** Bare metal, Warning on an IPAddressPool: an entry or the whole pool is not used. */
  public static final String INVALID_POOL = "InvalidIPAddressPool";
  /** Bare metal, Normal on an IPAddressPool: an earlier problem is resolved. */
  public static final String POOL_VALID = "ValidIPAddressPool";
  /** Bare metal, Warning: the Service could not share the address its sharing key points to. */
  public static final String ADDRESS_NOT_SHARED = "AddressNotShared";
  /** Bare-metal speaker, Warning: another host answers for a VIP. */
  public static final String ADDRESS_CONFLICT = "AddressConflict";
  /** Bare-metal speaker: a node started announcing a VIP. */
  public static final String ANNOUNCING = "Announcing";

  /** Speaker: this node won an address but has none of the interfaces it may announce it on. */
  public static final String ANNOUNCE_FAILED = "AnnounceFailed";
}
