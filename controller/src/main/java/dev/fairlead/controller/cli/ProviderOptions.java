package dev.fairlead.controller.cli;

import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --provider} and {@code --provider-config}, shared by the controller and the sandbox. */
public final class ProviderOptions {
  @Option(names = "--provider", paramLabel = "NAME",
      description = "Provider to use (see 'fairlead providers').")
  String provider;

  @Option(names = "--provider-config", paramLabel = "FILE",
      description = "YAML file with the provider's settings; nested keys become a.b, lists a[0];"
          + " unknown keys are rejected by name.")
  Path providerConfig;

  /** Used by picocli. */
  public ProviderOptions() {}

  /**
   * The provider's name.
   *
   * @param defaultName the name when none is given, or null if one is required
   * @return the name
   * @throws CliException if none is given and none is the default
   */
  public String name(String defaultName) {
    if (provider == null && defaultName == null) {
      throw new CliException("--provider is required (see 'fairlead providers')");
    }
    return provider == null ? defaultName : provider;
  }

  /**
   * The factory of the chosen provider.
   *
   * @param defaultName the name when none is given, or null if one is required
   * @return the factory
   * @throws CliException if there is no such provider
   */
  public LoadBalancerProviderFactory factory(String defaultName) {
    return ProviderRegistry.load().require(name(defaultName));
  }

  /**
   * The file given, if any.
   *
   * @return the file, or null
   */
  public Path configFile() {
    return providerConfig;
  }

  /**
   * The provider's settings.
   *
   * @return the settings, empty without a file
   * @throws CliException if the file cannot be read or is not valid YAML
   */
  public ProviderSettings settings() {
    return providerConfig == null ? ProviderSettings.empty() : ProviderConfigFile.read(providerConfig);
  }
}
