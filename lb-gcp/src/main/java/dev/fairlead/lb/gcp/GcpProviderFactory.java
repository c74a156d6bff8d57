package dev.fairlead.lb.gcp;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.gcp.internal.GcpProviders;

/**
 * The {@code gcp} provider: Google Cloud passthrough Network Load Balancers (external: target pools;
 * internal: backend services on shared instance groups). Does nothing until {@link #create}; the
 * Compute client is loaded only then.
 */
public final class GcpProviderFactory implements LoadBalancerProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public GcpProviderFactory() {}

  @Override
  public String name() {
    return "gcp";
  }

  @Override
  public String description() {
    return "Google Cloud passthrough Network Load Balancers (target pools; internal backend services)";
  }

  @Override
  public ProviderCapabilities capabilities() {
    return GcpProviders.capabilities();
  }

  @Override
  public LoadBalancerProvider create(ProviderContext context) {
    return GcpProviders.create(context);
  }
}
