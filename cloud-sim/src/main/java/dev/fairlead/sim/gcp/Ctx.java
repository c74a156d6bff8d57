package dev.fairlead.sim.gcp;

/**
 * What a collection needs to handle one request.
 *
 * @param project the project of the request
 * @param store the state (locked by the caller)
 * @param topology the regions and zones
 * @param quotas the quota limits
 */
record Ctx(String project, ComputeStore store, Topology topology, Quotas quotas) {}
