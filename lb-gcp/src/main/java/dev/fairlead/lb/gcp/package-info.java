/**
 * The {@code gcp} provider: Google Cloud passthrough Network Load Balancers for Services of type
 * LoadBalancer. {@code model} is pure (settings, annotations, names, the desired resources, the
 * plan of steps); {@code internal} holds one small executor per Compute resource kind and the
 * provider glue. Only {@link dev.fairlead.lb.gcp.GcpProviderFactory} is public API.
 */
package dev.fairlead.lb.gcp;
