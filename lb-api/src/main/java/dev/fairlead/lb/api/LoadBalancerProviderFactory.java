package dev.fairlead.lb.api;

/**
 * Entry point of a provider, discovered with {@link java.util.ServiceLoader} (register the
 * implementation in {@code META-INF/services/dev.fairlead.lb.api.LoadBalancerProviderFactory}).
 *
 * <p>Implementations have a public no-argument constructor and do no I/O, read no credentials and
 * start no threads until {@link #create(ProviderContext)} (rule lb003): the controller instantiates
 * every factory on the class path just to list them.
 */
public interface LoadBalancerProviderFactory {

  /**
   * The id an operator selects with {@code --provider}, such as {@code aws} or {@code baremetal}.
   *
   * @return a lower-case id matching {@code [a-z][a-z0-9-]*}, unique on the class path
   */
  String name();

  /**
   * A one-line, human-readable description for {@code fairlead providers}.
   *
   * @return the description, never empty
   */
  String description();

  /**
   * What providers made by this factory can do at most, whatever their configuration.
   *
   * @return the capabilities, without I/O
   */
  ProviderCapabilities capabilities();

  /**
   * Creates a provider for one cluster. Validates {@link ProviderContext#settings()} first and fails
   * with {@link ProviderConfigurationException} naming the offending key, so the controller can exit
   * with a clear message before touching the cluster.
   *
   * @param context the cluster name, settings and services the controller offers
   * @return a ready provider; the caller closes it
   * @throws ProviderConfigurationException if the settings are invalid
   */
  LoadBalancerProvider create(ProviderContext context);
}
