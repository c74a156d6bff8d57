package dev.fairlead.lb.api;

import java.time.Clock;
import java.util.Objects;

/**
 * What the controller hands a factory when it creates a provider.
 *
 * @param clusterName scopes every resource the provider creates (rule lb108); a DNS-label-like id
 * @param settings the provider's configuration, from {@code --provider-config}
 * @param clock the time source; providers never read the system clock directly, so tests can
 * @param apiCalls receives one record per infrastructure API call, for metrics and call budgets
 */
public record ProviderContext(
    String clusterName,
    ProviderSettings settings,
    Clock clock,
    ApiCallListener apiCalls) {

  /** Validates the cluster name. */
  public ProviderContext {
    Objects.requireNonNull(clusterName, "clusterName");
    if (!clusterName.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "cluster name '" + clusterName + "' must be a DNS label: a-z, 0-9 and '-', 1 to 63 long");
    }
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(apiCalls, "apiCalls");
  }

  /**
   * A context with the given cluster name and settings, the system clock and no API-call listener.
   *
   * @param clusterName the cluster name
   * @param settings the settings
   * @return the context
   */
  public static ProviderContext of(String clusterName, ProviderSettings settings) {
    return new ProviderContext(clusterName, settings, Clock.systemUTC(), ApiCallListener.NONE);
  }
}
