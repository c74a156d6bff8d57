package dev.fairlead.systemtests.rules;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import dev.fairlead.systemtests.rules.violations.model.UsesAClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house rules ({@link HouseRules}) over the main classes of every module, and proof that each
 * rule fails on a deliberate violation.
 */
class HouseRulesTest {
  static JavaClasses all;

  @BeforeAll
  static void importEveryModule() {
    all = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.fairlead");
  }

  @Test
  void theSpiDependsOnTheJdkOnly() {
    HouseRules.SPI_IS_JDK_ONLY.check(all);
  }

  @Test
  void pureCoresDoNoIo() {
    // Frozen: the violations recorded in archunit-store may only disappear; a new one fails.
    FreezingArchRule.freeze(HouseRules.PURE_CORES_DO_NO_IO).check(all);
  }

  @Test
  void theControllerKnowsNoProvider() {
    HouseRules.CONTROLLER_KNOWS_NO_PROVIDER.check(all);
  }

  @Test
  void providersUseNoControllerInternals() {
    HouseRules.PROVIDERS_USE_NO_CONTROLLER_INTERNALS.check(all);
  }

  @Test
  void providersTouchKubernetesOnlyInTheirAdapters() {
    HouseRules.PROVIDERS_TOUCH_KUBERNETES_ONLY_IN_ADAPTERS.check(all);
  }

  @Test
  void aModelClassUsingAKubernetesClientBreaksTheBuild() {
    JavaClasses violation = new ClassFileImporter().importClasses(UsesAClient.class);
    assertThatThrownBy(() -> HouseRules.PURE_CORES_DO_NO_IO.check(violation))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("UsesAClient")
        .hasMessageContaining("io.fabric8");
  }
}
