package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.controller.cli.CliException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxProvidersTest {

  @Test
  void aKnownProviderMissingFromTheDistributionIsNamedWithWhatIsInstalled() {
    assertThatThrownBy(() -> Sandbox.requireInstalled("gcp", List.of("aws", "baremetal")))
        .isInstanceOf(CliException.class)
        .hasMessage("the gcp provider is not installed in this distribution (installed: aws, baremetal)");
    assertThatThrownBy(() -> Sandbox.requireInstalled("azure", List.of()))
        .hasMessageContaining("(installed: none)");
  }

  @Test
  void installedAndUnknownNamesPassOnToTheRegistry() {
    assertThatCode(() -> Sandbox.requireInstalled("gcp", List.of("gcp"))).doesNotThrowAnyException();
    assertThatCode(() -> Sandbox.requireInstalled("vendor-x", List.of())).doesNotThrowAnyException();
  }
}
