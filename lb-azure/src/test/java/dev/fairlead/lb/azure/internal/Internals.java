package dev.fairlead.lb.azure.internal;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.cloud.CallKind;
import java.time.Duration;

/** Test access to the provider's internals. */
public final class Internals {
  private Internals() {}

  /**
   * The shared throttling delay of a lane of the provider's call gate.
   *
   * @param provider an Azure provider
   * @param kind a kind of the lane
   * @return the delay
   */
  public static Duration throttleDelay(LoadBalancerProvider provider, CallKind kind) {
    return ((AzureLoadBalancerProvider) provider).gate().throttleDelay(kind);
  }
}
