package dev.fairlead.lb.azure;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.azure.internal.AzureProviders;

/**
 * The {@code azure} provider: every Service gets a frontend on the cluster's shared Standard load
 * balancer, a static public IP and consolidated NSG rules; many Services' changes go out in one
 * ETag-guarded write instead of one at a time behind a global lock. Does nothing until {@link
 * #create}; the SDK classes are loaded only then.
 */
public final class AzureProviderFactory implements LoadBalancerProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public AzureProviderFactory() {}

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public String description() {
    return "Azure Standard Load Balancer shared per cluster, static public IPs, consolidated NSG rules";
  }

  @Override
  public ProviderCapabilities capabilities() {
    return AzureProviders.capabilities();
  }

  @Override
  public LoadBalancerProvider create(ProviderContext context) {
    return AzureProviders.create(context);
  }
}
