/**
 * The in-memory reference provider: passes the conformance kit and serves as the controller's test
 * double.
 *
 * <p>{@link dev.fairlead.lb.tck.memory.InMemoryCloud} is the fake infrastructure (load balancers,
 * an address pool, a call log, injectable failures and latency); {@link
 * dev.fairlead.lb.tck.memory.InMemoryLoadBalancerProvider} is a provider instance that keeps no
 * state of its own, so any number of instances on one cloud behave like controller restarts; {@link
 * dev.fairlead.lb.tck.memory.InMemoryProviderFactory} registers it as {@code inmemory}. Addresses
 * come from documentation ranges only (RFC 5737, RFC 3849), so nothing it publishes is routable.
 */
package dev.fairlead.lb.tck.memory;
