package dev.fairlead.lb.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AwsSettingsTest {

  @Test
  void readsEveryKey() {
    AwsSettings settings =
        AwsSettings.from(
            ProviderSettings.of(
                Map.of(
                    "region",
                    "eu-west-1",
                    "endpoint",
                    "http://127.0.0.1:5000",
                    "vpcId",
                    "vpc-0abc",
                    "apiCallsPerSecond",
                    "5",
                    "maxThrottleDelay",
                    "10s",
                    "driftCheckInterval",
                    "2m",
                    "nodePortRange",
                    "30000-30999")));

    assertThat(settings)
        .isEqualTo(
            new AwsSettings(
                "eu-west-1",
                Optional.of(URI.create("http://127.0.0.1:5000")),
                Optional.of("vpc-0abc"),
                5,
                Duration.ofSeconds(10),
                Optional.of(Duration.ofMinutes(2)),
                Duration.ofSeconds(30),
                30000,
                30999));
  }

  @Test
  void defaults() {
    AwsSettings settings = AwsSettings.from(ProviderSettings.of(Map.of("region", "us-east-1")));

    assertThat(settings.apiCallsPerSecond()).isEqualTo(10);
    assertThat(settings.endpoint()).isEmpty();
    assertThat(settings.driftCheckInterval()).hasValue(Duration.ofMinutes(10));
    assertThat(
            AwsSettings.from(
                    ProviderSettings.of(Map.of("region", "us-east-1", "driftCheck", "false")))
                .driftCheckInterval())
        .isEmpty();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(Map.of(), "region"),
        Arguments.of(Map.of("region", "Ireland"), "region"),
        Arguments.of(Map.of("region", "eu-west-1", "regoin", "x"), "regoin"),
        Arguments.of(Map.of("region", "eu-west-1", "endpoint", "localhost"), "endpoint"),
        Arguments.of(Map.of("region", "eu-west-1", "vpcId", "default"), "vpcId"),
        Arguments.of(Map.of("region", "eu-west-1", "apiCallsPerSecond", "0"), "apiCallsPerSecond"),
        Arguments.of(Map.of("region", "eu-west-1", "nodePortRange", "3-1"), "nodePortRange"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void rejectsBadConfigurationNamingTheKey(Map<String, String> values, String key) {
    assertThatThrownBy(() -> AwsSettings.from(ProviderSettings.of(values)))
        .isInstanceOf(ProviderConfigurationException.class)
        .hasMessageContaining(key);
  }
}
