package dev.fairlead.lb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderSettingsTest {

  @ParameterizedTest
  @CsvSource({"250ms, PT0.25S", "5s, PT5S", "2m, PT2M", "1h, PT1H", "PT30S, PT30S"})
  void durationsAcceptShortAndIsoForms(String raw, Duration expected) {
    assertThat(ProviderSettings.of(Map.of("d", raw)).duration("d", Duration.ZERO))
        .isEqualTo(expected);
  }

  @Test
  void typedAccessorsNameTheKeyInEveryError() {
    ProviderSettings settings = ProviderSettings.of(Map.of("rate", "fast", "limit", "0",
        "flag", "yes", "wait", "soon", "zero", "0s"));
    assertThatThrownBy(() -> settings.integer("rate", 1, 1, 10)).hasMessageContaining("'rate'")
        .hasMessageContaining("integer");
    assertThatThrownBy(() -> settings.integer("limit", 1, 1, 10)).hasMessageContaining("'limit'")
        .hasMessageContaining("between 1 and 10");
    assertThatThrownBy(() -> settings.bool("flag", false)).hasMessageContaining("'flag'");
    assertThatThrownBy(() -> settings.duration("wait", Duration.ZERO)).hasMessageContaining("'wait'");
    assertThatThrownBy(() -> settings.duration("zero", Duration.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> settings.required("region"))
        .isInstanceOf(ProviderConfigurationException.class)
        .hasMessage("setting 'region' is required");
  }

  @Test
  void defaultsApplyOnlyWhenAbsent() {
    ProviderSettings settings = ProviderSettings.of(Map.of("n", "7", "blank", "  "));
    assertThat(settings.integer("n", 1, 1, 10)).isEqualTo(7);
    assertThat(settings.integer("missing", 3, 1, 10)).isEqualTo(3);
    assertThat(settings.optional("blank")).isEmpty();
    assertThat(settings.bool("missing", true)).isTrue();
  }

  @Test
  void unknownKeysAreReportedSoTyposDoNotPassSilently() {
    ProviderSettings settings = ProviderSettings.of(Map.of("regoin", "x", "tags.team", "a",
        "region", "y"));
    assertThatThrownBy(() -> settings.rejectUnknownKeys(Set.of("region", "tags.*")))
        .isInstanceOf(ProviderConfigurationException.class)
        .hasMessageContaining("[regoin]");
  }
}
