package dev.fairlead.lb.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointTest {

  @Test
  void encodesSortedAndRoundTripsAnyValue() {
    Checkpoint cp = Checkpoint.of(Map.of("model", "abc123", "backends", "a b&c=d/é"));
    assertThat(cp.encode()).isEqualTo("fairlead/v1 backends=a+b%26c%3Dd%2F%C3%A9&model=abc123");
    assertThat(Checkpoint.decode(cp.encode())).contains(cp);
  }

  @Test
  void theLastCheckpointLineOfAFreeTextFieldCounts() {
    String description =
        "{\"kubernetes.io/service-name\":\"ns/web\"}\nfairlead/v1 model=old\nfairlead/v1 model=new";
    assertThat(Checkpoint.decode(description).flatMap(c -> c.get("model"))).contains("new");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "created by hand", "fairlead/v1 novalue", "fairlead/v1 =x", "fairlead/v1 a=%zz"})
  void textThatIsNoCheckpointGivesEmpty(String text) {
    assertThat(Checkpoint.decode(text)).isEmpty();
  }

  @Test
  void anEmptyCheckpointRoundTrips() {
    assertThat(Checkpoint.decode(Checkpoint.of(Map.of()).encode())).contains(Checkpoint.of(Map.of()));
  }

  @Test
  void keysAreRestrictedSoTheEncodingStaysUnambiguous() {
    assertThatThrownBy(() -> Checkpoint.of(Map.of("a&b", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a&b'");
  }
}
