package dev.fairlead.lb.baremetal.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.baremetal.speaker.membership.Keyring;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class SpeakerKeyCommandTest {
  KubernetesClient client;

  static Map<String, byte[]> entries(Secret secret) {
    Map<String, byte[]> entries = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> entries.put(k, Base64.getDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> entries.put(k, v.getBytes()));
    }
    return entries;
  }

  @Test
  void createsARandomUsableKeyOnceAndNeverOverwritesIt() {
    SpeakerSettings.SecretRef ref = new SpeakerSettings.SecretRef("fairlead-system", "members");

    assertThat(SpeakerKeyCommand.create(client, ref)).startsWith("created Secret fairlead-system/members");
    Secret first = client.secrets().inNamespace("fairlead-system").withName("members").get();
    Keyring keys = Keyring.fromSecret(entries(first));
    assertThat(keys.accepted()).hasSize(1);

    assertThat(SpeakerKeyCommand.create(client, ref)).contains("exists; left unchanged");
    Secret again = client.secrets().inNamespace("fairlead-system").withName("members").get();
    assertThat(Keyring.fromSecret(entries(again))).isEqualTo(keys);
  }

  @Test
  void everyKeyIsNew() {
    assertThat(SpeakerKeyCommand.newKey()).isNotEqualTo(SpeakerKeyCommand.newKey())
        .satisfies(k -> assertThat(Base64.getDecoder().decode(k)).hasSize(SpeakerKeyCommand.KEY_BYTES));
  }
}
