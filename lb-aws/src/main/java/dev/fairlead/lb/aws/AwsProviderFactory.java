package dev.fairlead.lb.aws;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.aws.internal.AwsProviders;

/**
 * The {@code aws} provider: one Network Load Balancer per Service, through ELBv2. Does nothing
 * until {@link #create}; the SDK classes are loaded only then.
 */
public final class AwsProviderFactory implements LoadBalancerProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public AwsProviderFactory() {}

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public String description() {
    return "AWS Network Load Balancers (ELBv2), instance targets on node ports";
  }

  @Override
  public ProviderCapabilities capabilities() {
    return AwsProviders.capabilities();
  }

  @Override
  public LoadBalancerProvider create(ProviderContext context) {
    return AwsProviders.create(context);
  }
}
