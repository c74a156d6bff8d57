package dev.fairlead.controller.host;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderContext;
import java.util.function.Function;

/**
 * A factory for a provider that runs inside the controller and keeps objects of its own in the
 * cluster (the bare-metal provider's address pools). The controller hands it a {@link ClusterHost};
 * vendors' providers implement the plain {@link LoadBalancerProviderFactory} instead.
 */
public interface ClusterProviderFactory extends LoadBalancerProviderFactory {

  /**
   * Creates a provider for one cluster. Validates the settings first, without I/O.
   *
   * @param context the cluster name, settings, clock and API-call listener
   * @param host what the controller lends: reads, gated writes, events, requeues
   * @return a ready provider; the caller closes it
   * @throws ProviderConfigurationException if the settings are invalid
   */
  LoadBalancerProvider create(ProviderContext context, ClusterHost host);

  /**
   * Without a host such a provider cannot run.
   *
   * @param context the context
   * @return never
   * @throws ProviderConfigurationException always
   */
  @Override
  default LoadBalancerProvider create(ProviderContext context) {
    throw new ProviderConfigurationException("the " + name() + " provider keeps its objects in the"
        + " cluster and runs only inside the controller (it needs a ClusterHost)");
  }

  /**
   * How the controller creates a provider from any factory once it can lend a host.
   *
   * @param factory the factory
   * @param context the provider context
   * @return the provider, created when the controller applies the host
   */
  static Function<ClusterHost, LoadBalancerProvider> binding(
      LoadBalancerProviderFactory factory, ProviderContext context) {
    return host -> factory instanceof ClusterProviderFactory hosted
        ? hosted.create(context, host)
        : factory.create(context);
  }
}
