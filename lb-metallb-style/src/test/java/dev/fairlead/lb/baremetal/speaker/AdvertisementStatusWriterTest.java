package dev.fairlead.lb.baremetal.speaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.baremetal.crd.L2Advertisement;
import dev.fairlead.lb.baremetal.crd.L2AdvertisementSpec;
import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.lb.baremetal.speaker.election.PoolInfo;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against the CRUD mock API server with the CRD registered, as the namespace tests use it. */
class AdvertisementStatusWriterTest {
  static final List<PoolInfo> POOLS = List.of(
      new PoolInfo("lan", Map.of(), List.of(AddressRange.parse("192.0.2.0/28"))),
      new PoolInfo("dmz", Map.of(), List.of(AddressRange.parse("198.51.100.0/28"))));
  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(L2Advertisement.class));
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  L2Advertisement create(String name, List<String> pools, List<String> interfaces) {
    L2Advertisement ad = new L2Advertisement();
    ad.getMetadata().setName(name);
    L2AdvertisementSpec spec = new L2AdvertisementSpec();
    spec.setIpAddressPools(pools);
    spec.setInterfaces(interfaces);
    ad.setSpec(spec);
    return client.resources(L2Advertisement.class).resource(ad).create();
  }

  L2Advertisement get(String name) {
    return client.resources(L2Advertisement.class).withName(name).get();
  }

  Condition valid(String name) {
    return get(name).getStatus().getConditions().stream().filter(c -> c.getType().equals("Valid"))
        .findFirst().orElseThrow();
  }

  @Test
  void theWriterReportsValidityAndSelectedPoolsWithoutTouchingTheSpec() {
    create("good", List.of("lan"), List.of("eth1"));
    create("bad", List.of("lan"), List.of("eth/1"));
    try (AdvertisementStatusWriter writer = new AdvertisementStatusWriter(client, "node1",
        Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC))) {
      writer.update(true, client.resources(L2Advertisement.class).list().getItems(), POOLS);

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(get("good").getStatus()).isNotNull();
        assertThat(get("bad").getStatus()).isNotNull();
      });
    }
    assertThat(get("good").getSpec().getInterfaces()).as("spec intact").containsExactly("eth1");
    assertThat(get("good").getSpec().getIpAddressPools()).containsExactly("lan");
    assertThat(get("good").getStatus().getSelectedPools()).containsExactly("lan");
    assertThat(valid("good").getStatus()).isEqualTo("True");
    assertThat(valid("bad").getStatus()).isEqualTo("False");
    assertThat(valid("bad").getReason()).isEqualTo("InvalidField");
    assertThat(valid("bad").getMessage()).startsWith("spec.interfaces[0]: 'eth/1'");
    assertThat(valid("bad").getLastTransitionTime()).isEqualTo("2026-01-02T03:04:05Z");
    List<Event> events = client.v1().events().inNamespace("default").list().getItems();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo(AdvertisementStatusWriter.INVALID_REASON);
      assertThat(e.getInvolvedObject().getName()).isEqualTo("bad");
      assertThat(e.getMessage()).contains("spec.interfaces[0]");
    });
  }

  @Test
  void anUnchangedStatusIsNotWrittenAgainAndNonWritersWriteNothing() {
    create("good", List.of("lan"), List.of());
    try (AdvertisementStatusWriter writer = new AdvertisementStatusWriter(client, "node1", Clock.systemUTC())) {
      writer.update(false, client.resources(L2Advertisement.class).list().getItems(), POOLS);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> get("good").getStatus() == null);

      writer.update(true, client.resources(L2Advertisement.class).list().getItems(), POOLS);
      await().atMost(Duration.ofSeconds(10)).until(() -> get("good").getStatus() != null);
      String version = get("good").getMetadata().getResourceVersion();
      writer.update(true, client.resources(L2Advertisement.class).list().getItems(), POOLS);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
          get("good").getMetadata().getResourceVersion().equals(version));
    }
  }
}
