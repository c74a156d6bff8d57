package dev.fairlead.lb.api;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller hands a factory when it creates a provider.
 *
 * @param clusterName scopes every resource the provider creates (rule lb108); a DNS-label-like id
 * @param settings the provider's configuration, from {@code --provider-config}
 * @param clock the time source; providers never read the system clock directly, so tests can
 * @param apiCalls receives one record per infrastructure API call, for metrics and call budgets
 * @param services optional host objects offered by the controller, keyed by type (for example a
 *     Kubernetes client for providers that keep their configuration in custom resources); a
 *     provider that needs one fails in {@code create} with a clear message when it is absent
 */
public record ProviderContext(
    String clusterName,
    ProviderSettings settings,
    Clock clock,
    ApiCallListener apiCalls,
    Map<Class<?>, Object> services) {

  /** Validates the cluster name and copies the service map. */
  public ProviderContext {
    Objects.requireNonNull(clusterName, "clusterName");
    if (!clusterName.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "cluster name '" + clusterName + "' must be a DNS label: a-z, 0-9 and '-', 1 to 63 long");
    }
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(apiCalls, "apiCalls");
    services = Map.copyOf(services);
    services.forEach(
        (type, service) -> {
          if (!type.isInstance(service)) {
            throw new IllegalArgumentException(service + " is not a " + type.getName());
          }
        });
  }

  /**
   * A context with the given cluster name and settings, the system clock, no API-call listener and
   * no host services.
   *
   * @param clusterName the cluster name
   * @param settings the settings
   * @return the context
   */
  public static ProviderContext of(String clusterName, ProviderSettings settings) {
    return new ProviderContext(
        clusterName, settings, Clock.systemUTC(), ApiCallListener.NONE, Map.of());
  }

  /**
   * Looks up a host object the controller offered.
   *
   * @param type the type asked for
   * @param <T> the type
   * @return the object, if offered
   */
  public <T> Optional<T> service(Class<T> type) {
    return Optional.ofNullable(services.get(type)).map(type::cast);
  }
}
