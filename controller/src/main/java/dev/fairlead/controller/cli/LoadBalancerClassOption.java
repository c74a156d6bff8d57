package dev.fairlead.controller.cli;

import dev.fairlead.kube.vocabulary.ServiceEligibility;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --load-balancer-class}, shared by the controller and the speaker (a picocli mixin). */
public final class LoadBalancerClassOption {
  @Option(names = "--load-balancer-class", paramLabel = "CLASS",
      description = "Serve only Services with this spec.loadBalancerClass, a label-style name such"
          + " as example.com/internal. Default: Services without a class (the cluster's default"
          + " implementation).")
  String loadBalancerClass;

  /** Used by picocli. */
  public LoadBalancerClassOption() {}

  /**
   * The class, checked as the API server checks {@code spec.loadBalancerClass}.
   *
   * @return the class, or empty for the default implementation
   * @throws CliException if it is not a valid class
   */
  public Optional<String> loadBalancerClass() {
    if (loadBalancerClass == null) {
      return Optional.empty();
    }
    ServiceEligibility.invalidClass(loadBalancerClass).ifPresent(problem -> {
      throw new CliException("--load-balancer-class " + problem);
    });
    return Optional.of(loadBalancerClass);
  }

  /**
   * Which Services this class means.
   *
   * @return the eligibility
   * @throws CliException if the class is not valid
   */
  public ServiceEligibility eligibility() {
    return new ServiceEligibility(loadBalancerClass());
  }
}
