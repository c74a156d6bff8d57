package dev.fairlead.kube.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceEligibilityTest {
  @ParameterizedTest
  @CsvSource({
    "example.com/internal, fairlead.dev/lb-example.com-internal",
    "fairlead.dev/inmemory, fairlead.dev/lb-fairlead.dev-inmemory",
    "plain, fairlead.dev/lb-plain",
  })
  void eachClassHasItsOwnReadableFinalizer(String loadBalancerClass, String finalizer) {
    assertThat(ServiceEligibility.classFinalizer(loadBalancerClass)).isEqualTo(finalizer);
  }

  @ParameterizedTest
  @CsvSource({
    "a-very-long-domain-name.example.com/with-a-very-long-load-balancer-class-name-indeed",
    "example.com/ends-with/",
  })
  void longOrAwkwardClassesGetAValidHashedName(String loadBalancerClass) {
    String finalizer = ServiceEligibility.classFinalizer(loadBalancerClass);
    String name = finalizer.substring("fairlead.dev/".length());
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9._]*[a-z0-9])?");
    assertThat(ServiceEligibility.classFinalizer(loadBalancerClass + "x")).isNotEqualTo(finalizer);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "example.com/internal|",
    "internal|",
    "a.b-c_d|",
    "Example.com/x|invalid prefix 'Example.com'",
    "example.com/|is not a valid load-balancer class",
    "/x|invalid prefix ''",
    "has space|is not a valid load-balancer class",
    "-dash|is not a valid load-balancer class",
    "a/b/c|is not a valid load-balancer class",
  })
  void classesMustBeLabelStyleNames(String loadBalancerClass, String problem) {
    if (problem == null) {
      assertThat(ServiceEligibility.invalidClass(loadBalancerClass)).isEmpty();
    } else {
      assertThat(ServiceEligibility.invalidClass(loadBalancerClass)).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains(problem);
    }
  }
}
