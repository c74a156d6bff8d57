package dev.fairlead.kube.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FakeApiServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String INGRESS = "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.1\"}]}}}";

  static Service service(String name) {
    return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata()
        .withNewSpec().withType("LoadBalancer").endSpec().build();
  }

  @Test
  void aRepeatedStatusPatchPublishesOneIngressAndIsANoOp() {
    try (FakeApiServer api = FakeApiServer.start()) {
      api.client().services().resource(service("web")).create();
      var web = api.client().services().inNamespace("ns").withName("web");
      web.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), INGRESS);
      String version = api.service("ns", "web").getMetadata().getResourceVersion();
      web.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), INGRESS);

      assertThat(api.ingress("ns", "web")).hasSize(1);
      assertThat(api.service("ns", "web").getMetadata().getResourceVersion()).isEqualTo(version);
      assertThat(api.crud().noOpWrites()).isEqualTo(1);
      assertThat(api.crud().ingressPublished()).containsOnlyKeys("ns/web");
      assertThat(api.requests()).containsEntry("PATCH services/status", 2L);
    }
  }

  @Test
  void createdObjectsGetRandomUidsThatDoNotShareAnUpstreamNamePrefix() {
    try (FakeApiServer api = FakeApiServer.start()) {
      String a = api.client().services().resource(service("a")).create().getMetadata().getUid();
      String b = api.client().services().resource(service("b")).create().getMetadata().getUid();
      assertThat(java.util.UUID.fromString(a).version()).isEqualTo(4);
      // Upstream's name keeps the first 31 hex digits; sequential UIDs would share them.
      assertThat(a.replace("-", "").substring(0, 31)).isNotEqualTo(b.replace("-", "").substring(0, 31));
      assertThat(api.service("ns", "a").getMetadata().getUid()).isEqualTo(a);
    }
  }

  @Test
  void eventsAreStoredAndFoundByTheirObject() {
    try (FakeApiServer api = FakeApiServer.start()) {
      api.client().v1().events().inNamespace("ns").resource(new EventBuilder()
          .withNewMetadata().withName("e1").withNamespace("ns").endMetadata()
          .withNewInvolvedObject().withKind("Service").withName("web").withNamespace("ns").endInvolvedObject()
          .withType("Warning").withReason("SyncLoadBalancerFailed").withMessage("bad").build()).create();
      assertThat(api.reasons("ns", "web")).containsExactly("SyncLoadBalancerFailed");
      assertThat(api.warnings("web")).containsExactly("bad");
      assertThat(api.reasons("ns", "other")).isEmpty();
    }
  }

  @Test
  void aBenchmarkServerAcknowledgesEventsWithoutStoringThem() {
    try (FakeApiServer api = FakeApiServer.start(0, false)) {
      api.client().v1().events().inNamespace("ns").resource(new EventBuilder()
          .withNewMetadata().withName("e1").withNamespace("ns").endMetadata()
          .withNewInvolvedObject().withName("web").endInvolvedObject().build()).create();
      assertThat(api.reasons("ns", "web")).isEmpty();
      assertThat(api.requests()).containsEntry("POST events", 1L);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"a\":[1,2]}        | {\"a\":[3]}        | {\"a\":[3]}",
    "{\"a\":{\"b\":1}}    | {\"a\":{\"c\":2}}  | {\"a\":{\"b\":1,\"c\":2}}",
    "{\"a\":1,\"b\":2}    | {\"a\":null}       | {\"b\":2}",
    "{\"a\":1}            | [1]                | [1]",
    "[1]                  | {\"a\":1}          | {\"a\":1}",
  })
  void mergePatchFollowsRfc7386(String target, String patch, String expected) throws Exception {
    assertThat(MergePatch.apply(JSON.readTree(target), JSON.readTree(patch))).isEqualTo(JSON.readTree(expected));
  }

  @Test
  void mergePatchLeavesItsTargetAlone() throws Exception {
    var target = JSON.readTree("{\"a\":{\"b\":1}}");
    MergePatch.apply(target, JSON.readTree("{\"a\":{\"b\":2}}"));
    assertThat(target).isEqualTo(JSON.readTree("{\"a\":{\"b\":1}}"));
  }
}
