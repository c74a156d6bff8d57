package dev.fairlead.lb.baremetal.speaker.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyringTest {
  static final String A = "mQ3yQm2m3Yc0q9C3pWkqVnS1qU6k0mO5R8v8Jk6x2aU=";
  static final String B = "3fTQx1o0Zb8cJmY0r0pD6sZ8n3m1LzWq9lQk7Vw2e1A=";

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theKeyEntrySendsAndEveryEntryIsAccepted() {
    Keyring ring = Keyring.fromSecret(Map.of("key", bytes(A), "next", bytes(B)));

    assertThat(ring.send()).isEqualTo(MembershipKey.fromSecret("key", bytes(A)));
    assertThat(ring.accepted()).extracting(MembershipKey::name).containsExactly("key", "next");
    assertThat(ring.find(ring.accepted().get(1).id())).contains(ring.accepted().get(1));
    assertThat(ring.find(ring.send().id() + 1)).isEmpty();
  }

  @Test
  void theSameSecretGivesTheSameKeyOnEverySpeakerAndSurroundingWhiteSpaceDoesNotMatter() {
    MembershipKey one = MembershipKey.fromSecret("key", bytes(A));
    MembershipKey two = MembershipKey.fromSecret("key", bytes(A + "\n"));
    MembershipKey other = MembershipKey.fromSecret("key", bytes(B));

    assertThat(one).isEqualTo(two);
    assertThat(one.fingerprint()).hasSize(8).isEqualTo(two.fingerprint()).isNotEqualTo(other.fingerprint());
    assertThat(one.toString()).doesNotContain(A).contains(one.fingerprint());
    assertThat(one.sessionKey(new byte[16])).hasSize(32).isNotEqualTo(one.sessionKey(new byte[] {1}));
  }

  @Test
  void aSameKeyUnderTwoNamesIsAcceptedOnce() {
    Keyring ring = Keyring.fromSecret(Map.of("key", bytes(A), "previous", bytes(A)));

    assertThat(ring.accepted()).hasSize(1);
  }

  @Test
  void errorsNameTheEntry() {
    assertThatThrownBy(() -> Keyring.fromSecret(Map.of("next", bytes(A))))
        .hasMessageContaining("no entry 'key'");
    assertThatThrownBy(() -> Keyring.fromSecret(Map.of("key", bytes(A), "next", bytes("short"))))
        .hasMessageContaining("entry 'next' has 5 bytes").hasMessageContaining("at least 32");
    assertThatThrownBy(() -> Keyring.fromSecret(null)).hasMessageContaining("no entry 'key'");
  }
}
