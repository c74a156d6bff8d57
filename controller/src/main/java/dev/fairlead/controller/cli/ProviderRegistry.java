package dev.fairlead.controller.cli;

import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** The provider factories on the class path, found with {@link ServiceLoader}. */
public final class ProviderRegistry {
  private final List<LoadBalancerProviderFactory> factories;

  private ProviderRegistry(List<LoadBalancerProviderFactory> factories) {
    this.factories = List.copyOf(factories);
  }

  /**
   * Loads every factory visible to this class's loader.
   *
   * @return the registry
   */
  public static ProviderRegistry load() {
    List<LoadBalancerProviderFactory> found = new ArrayList<>();
    ServiceLoader.load(LoadBalancerProviderFactory.class, ProviderRegistry.class.getClassLoader())
        .forEach(found::add);
    found.sort(Comparator.comparing(LoadBalancerProviderFactory::name));
    return new ProviderRegistry(found);
  }

  /**
   * All factories, sorted by name.
   *
   * @return the factories
   */
  public List<LoadBalancerProviderFactory> all() {
    return factories;
  }

  /**
   * The factory with a name.
   *
   * @param name the name given with {@code --provider}
   * @return the factory
   * @throws CliException naming the available providers if there is none, or if two share it
   */
  public LoadBalancerProviderFactory require(String name) {
    List<LoadBalancerProviderFactory> matches =
        factories.stream().filter(f -> f.name().equals(name)).toList();
    if (matches.size() > 1) {
      throw new CliException(
          "provider '" + name + "' is offered by several jars: "
              + matches.stream().map(f -> f.getClass().getName()).collect(Collectors.joining(", ")));
    }
    if (matches.isEmpty()) {
      String available =
          factories.isEmpty()
              ? "none are installed"
              : "available: " + factories.stream().map(LoadBalancerProviderFactory::name)
                  .collect(Collectors.joining(", "));
      throw new CliException("unknown provider '" + name + "' (" + available + ")");
    }
    return matches.get(0);
  }
}
