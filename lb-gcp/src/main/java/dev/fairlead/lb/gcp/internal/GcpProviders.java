package dev.fairlead.lb.gcp.internal;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.cloud.CallGate;
import dev.fairlead.lb.gcp.model.GcpSettings;
import java.util.Set;

/** Creates the gcp provider from a context: settings first (exit 2 on errors), then the clients. */
public final class GcpProviders {
  private GcpProviders() {}

  /**
   * What the provider can do.
   *
   * @return TCP and UDP (both on one address), source ranges, requested addresses, policy Local, IPv4
   */
  public static ProviderCapabilities capabilities() {
    return new ProviderCapabilities(Set.of(Protocol.TCP, Protocol.UDP), true, true, true, true, Set.of(IpFamily.IPV4));
  }

  /**
   * Creates a provider.
   *
   * @param context the controller's context
   * @return the provider
   * @throws dev.fairlead.lb.api.ProviderConfigurationException if the settings are invalid
   */
  public static LoadBalancerProvider create(ProviderContext context) {
    GcpSettings settings = GcpSettings.parse(context.settings());
    ComputeClients clients = new ComputeClients(settings);
    CallGate gate = new CallGate(new CallGate.Settings("Compute", settings.apiCallsPerSecond(),
        settings.maxThrottleDelay(), 8), context.apiCalls(), new GcpErrors());
    return new GcpLoadBalancerProvider(context.clusterName(), settings, clients,
        new Calls(clients, gate, settings, context.clock()));
  }
}
