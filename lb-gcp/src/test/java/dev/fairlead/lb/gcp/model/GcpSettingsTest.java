package dev.fairlead.lb.gcp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GcpSettingsTest {
  static GcpSettings parse(Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(Map.of("project", "my-project-1", "region", "europe-west1"));
    values.putAll(extra);
    values.values().removeIf(String::isEmpty);
    return GcpSettings.parse(ProviderSettings.of(values));
  }

  @Test
  void defaults() {
    GcpSettings s = parse(Map.of());
    assertThat(s.network()).isEqualTo("default");
    assertThat(s.subnetwork()).isEqualTo("default");
    assertThat(s.nodeTags()).isEmpty();
    assertThat(s.endpoint()).isEmpty();
    assertThat(s.apiCallsPerSecond()).isEqualTo(10);
    assertThat(s.operationTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void nodeTagsAsListOrCommaSeparated() {
    assertThat(parse(Map.of("nodeTags[0]", "gke-a", "nodeTags[1]", "gke-b")).nodeTags()).containsExactly("gke-a", "gke-b");
    assertThat(parse(Map.of("nodeTags", "gke-a, gke-b")).nodeTags()).containsExactly("gke-a", "gke-b");
  }

  @ParameterizedTest(name = "{0}={1} -> {2}")
  @CsvSource({
      "project,'',setting 'project' is required",
      "project,My_Project,setting 'project' must be a project id",
      "region,europe,setting 'region' must be a region",
      "regoin,europe-west1,unknown setting(s) [regoin]",
      "network,Bad Net,setting 'network' must be a resource name",
      "nodeTags,UPPER,setting 'nodeTags': 'UPPER' is not a network tag",
      "endpoint,ftp://x,setting 'endpoint' must be an http(s) URL",
      "apiCallsPerSecond,0,setting 'apiCallsPerSecond' must be between 1 and 1000",
      "operationTimeout,soon,setting 'operationTimeout'"
  })
  void badSettingsNameTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> parse(Map.of(key, value))).isInstanceOf(ProviderConfigurationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void endpointOverride() {
    assertThat(parse(Map.of("endpoint", "http://127.0.0.1:8085")).endpoint()).hasValueSatisfying(
        u -> assertThat(u.getPort()).isEqualTo(8085));
    assertThat(List.of(parse(Map.of("subnetwork", "nodes")).subnetwork())).containsExactly("nodes");
  }
}
