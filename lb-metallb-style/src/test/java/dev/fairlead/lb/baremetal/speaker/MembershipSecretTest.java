package dev.fairlead.lb.baremetal.speaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.baremetal.speaker.membership.Keyring;
import dev.fairlead.lb.baremetal.speaker.membership.MembershipKey;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Keys from the Secret: waiting for it, following changes, ignoring unusable ones. */
@EnableKubernetesMockClient(crud = true)
class MembershipSecretTest {
  KubernetesClient client;

  void write(Map<String, String> entries) {
    client.secrets().inNamespace("fairlead-system").resource(new SecretBuilder().withNewMetadata()
        .withName("members").withNamespace("fairlead-system").endMetadata().withStringData(entries)
        .build()).createOr(op -> op.update());
  }

  static String fingerprint(String key) {
    return MembershipKey.fromSecret("key", key.getBytes(StandardCharsets.UTF_8)).fingerprint();
  }

  @Test
  void waitsForTheSecretThenFollowsEveryUsableChange() throws Exception {
    SpeakerMetrics metrics = new SpeakerMetrics();
    List<Keyring> changes = new CopyOnWriteArrayList<>();
    String a = SpeakerKeyCommand.newKey();
    String b = SpeakerKeyCommand.newKey();
    try (MembershipSecret secret = new MembershipSecret(client, "fairlead-system", "members", metrics)) {
      CompletableFuture<Keyring> first = CompletableFuture.supplyAsync(() -> {
        try {
          return secret.start(changes::add);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !first.isDone());

      write(Map.of("key", a));
      assertThat(first.get().send().fingerprint()).isEqualTo(fingerprint(a));

      write(Map.of("key", a, "next", b));
      await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() == 1);
      assertThat(changes.getFirst().accepted()).hasSize(2);

      write(Map.of("key", "too-short"));
      await().atMost(Duration.ofSeconds(10)).until(() ->
          metricValue(metrics, "fairlead_speaker_membership_key_errors_total") == 1);
      write(Map.of("key", b));
      await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() == 2);
      assertThat(changes.get(1).send().fingerprint()).isEqualTo(fingerprint(b));
      assertThat(changes.get(1).accepted()).hasSize(1);
    }
  }

  static double metricValue(SpeakerMetrics metrics, String name) {
    return metrics.registry().scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals(name.replace("_total", "")))
        .flatMap(m -> m.getDataPoints().stream())
        .mapToDouble(p -> p instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot c
            ? c.getValue() : 0)
        .sum();
  }
}
