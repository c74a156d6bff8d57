package dev.fairlead.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderConfigFileTest {

  @Test
  void nestedMappingsAndListsAreFlattened() {
    var settings = ProviderConfigFile.parse("""
        region: eu-west-1
        rateLimit:
          qps: 10
          burst: 20
        subnets: [subnet-a, subnet-b]
        empty:
        """, "test");
    assertThat(settings.values()).isEqualTo(Map.of(
        "region", "eu-west-1",
        "rateLimit.qps", "10",
        "rateLimit.burst", "20",
        "subnets[0]", "subnet-a",
        "subnets[1]", "subnet-b"));
  }

  @Test
  void emptyFileMeansNoSettingsButAListIsRejected() {
    assertThat(ProviderConfigFile.parse("", "test").values()).isEmpty();
    assertThat(ProviderConfigFile.parse("# only a comment\n", "test").values()).isEmpty();
    assertThatThrownBy(() -> ProviderConfigFile.parse("- a\n- b\n", "cfg.yaml"))
        .isInstanceOf(CliException.class)
        .hasMessage("provider config cfg.yaml must be a YAML mapping of settings");
  }
}
