/**
 * The Azure provider ({@code --provider azure}): Services share the cluster's Standard load
 * balancer ({@code <cluster>}, {@code <cluster>-internal}) with upstream's names and tags, and
 * their changes are coalesced into ETag-guarded writes instead of upstream's global lock. The
 * pure model is in {@code dev.fairlead.lb.azure.model}; ARM calls in {@code
 * dev.fairlead.lb.azure.internal}.
 */
package dev.fairlead.lb.azure;
