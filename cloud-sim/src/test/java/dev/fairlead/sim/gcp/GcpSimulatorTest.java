package dev.fairlead.sim.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairlead.sim.http.RecorderClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's wire behaviour where controllers break, over plain HTTP. */
class GcpSimulatorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  GcpSimulator sim;
  HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String base;

  @BeforeEach
  void start() throws Exception {
    sim = GcpSimulator.start("127.0.0.1", 0);
    base = sim.computeUrl() + "projects/p1/";
  }

  @AfterEach
  void stop() {
    sim.close();
    http.close();
  }

  record Answer(int status, JsonNode body) {}

  Answer call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  Answer ok(String method, String path, String body) throws Exception {
    Answer a = call(method, path, body);
    assertThat(a.status()).as("%s %s: %s", method, path, a.body()).isEqualTo(200);
    return a;
  }

  void pool(String name) throws Exception {
    ok("POST", "zones/us-central1-a/instances", "{\"name\":\"vm1\"}");
    ok("POST", "global/httpHealthChecks", "{\"name\":\"hc\",\"port\":10256}");
    ok("POST", "regions/us-central1/targetPools", "{\"name\":\"" + name + "\",\"healthChecks\":[\"global/httpHealthChecks/hc\"],"
        + "\"instances\":[\"https://www.googleapis.com/compute/v1/projects/p1/zones/us-central1-a/instances/vm1\"]}");
  }

  @Test
  void errorsHaveTheRealBodies() throws Exception {
    Answer missing = call("GET", "regions/us-central1/forwardingRules/nope", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().at("/error/errors/0/reason").asText()).isEqualTo("notFound");
    assertThat(missing.body().at("/error/message").asText())
        .isEqualTo("The resource 'projects/p1/regions/us-central1/forwardingRules/nope' was not found");
    pool("tp");
    Answer again = call("POST", "regions/us-central1/targetPools", "{\"name\":\"tp\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().at("/error/errors/0/reason").asText()).isEqualTo("alreadyExists");
    Answer bad = call("POST", "regions/us-central1/forwardingRules", "{\"name\":\"fr\",\"portRange\":\"90-80\",\"target\":\"regions/us-central1/targetPools/tp\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().at("/error/message").asText()).contains("resource.portRange");
  }

  @Test
  void aReferencedPoolCannotBeDeletedAndRulesAreImmutable() throws Exception {
    pool("tp");
    ok("POST", "regions/us-central1/forwardingRules", "{\"name\":\"fr\",\"portRange\":\"80\",\"target\":\"regions/us-central1/targetPools/tp\"}");
    Answer inUse = call("DELETE", "regions/us-central1/targetPools/tp", null);
    assertThat(inUse.status()).isEqualTo(400);
    assertThat(inUse.body().at("/error/errors/0/reason").asText()).isEqualTo("resourceInUseByAnotherResource");
    Answer patch = call("PATCH", "regions/us-central1/forwardingRules/fr", "{\"portRange\":\"81-81\"}");
    assertThat(patch.status()).isEqualTo(400);
    assertThat(patch.body().at("/error/message").asText()).contains("resource.portRange");
    JsonNode rule = ok("GET", "regions/us-central1/forwardingRules/fr", null).body();
    assertThat(rule.path("portRange").asText()).isEqualTo("80-80");
    assertThat(rule.path("IPAddress").asText()).startsWith("203.0.113.");
    assertThat(rule.path("selfLink").asText()).startsWith(sim.computeUrl());
  }

  @Test
  void operationsTakeTimeCanFailAndAreWaitedOn() throws Exception {
    sim.operationDelay(Duration.ofMillis(300));
    JsonNode op = ok("POST", "global/firewalls", "{\"name\":\"fw\",\"allowed\":[{\"IPProtocol\":\"tcp\"}],\"sourceRanges\":[\"0.0.0.0/0\"]}").body();
    assertThat(op.path("status").asText()).isEqualTo("RUNNING");
    assertThat(call("GET", "global/firewalls/fw", null).status()).as("not there before the operation is done").isEqualTo(404);
    JsonNode done = ok("POST", "global/operations/" + op.path("name").asText() + "/wait", null).body();
    assertThat(done.path("status").asText()).isEqualTo("DONE");
    assertThat(done.path("operationType").asText()).isEqualTo("insert");
    assertThat(done.path("targetLink").asText()).endsWith("/global/firewalls/fw");
    ok("GET", "global/firewalls/fw", null);

    sim.operationDelay(Duration.ZERO);
    sim.quota("FIREWALLS", 1);
    JsonNode quota = ok("POST", "global/firewalls", "{\"name\":\"fw2\",\"allowed\":[{\"IPProtocol\":\"tcp\"}],\"sourceRanges\":[\"0.0.0.0/0\"]}").body();
    assertThat(quota.at("/error/errors/0/code").asText()).isEqualTo("QUOTA_EXCEEDED");
    assertThat(call("GET", "global/firewalls/fw2", null).status()).isEqualTo(404);
  }

  @Test
  void listsFilterPageAndAggregate() throws Exception {
    for (int i = 0; i < 5; i++) {
      ok("POST", "global/firewalls", "{\"name\":\"k8s-fw-a" + i + "\",\"description\":\"n" + i + "\",\"allowed\":[{\"IPProtocol\":\"tcp\"}],\"sourceRanges\":[\"0.0.0.0/0\"]}");
    }
    ok("POST", "global/firewalls", "{\"name\":\"other\",\"allowed\":[{\"IPProtocol\":\"tcp\"}],\"sourceRanges\":[\"0.0.0.0/0\"]}");
    JsonNode page1 = ok("GET", "global/firewalls?filter=name%20eq%20%22k8s-fw-.*%22&maxResults=3", null).body();
    assertThat(page1.path("items")).hasSize(3);
    JsonNode page2 = ok("GET", "global/firewalls?filter=name%20eq%20%22k8s-fw-.*%22&maxResults=3&pageToken="
        + page1.path("nextPageToken").asText(), null).body();
    assertThat(page2.path("items")).hasSize(2);
    assertThat(page2.has("nextPageToken")).isFalse();
    assertThat(ok("GET", "global/firewalls?filter=(name%20%3D%20other)%20(description%20%3D%20%22%22)", null).body()
        .path("items")).hasSize(1);
    assertThat(call("GET", "global/firewalls?filter=name%20~~%20x", null).status()).isEqualTo(400);
    pool("tp");
    JsonNode aggregated = ok("GET", "aggregated/targetPools?maxResults=500&includeAllScopes=True", null).body();
    assertThat(aggregated.at("/items/regions~1us-central1/targetPools")).hasSize(1);
    assertThat(aggregated.at("/items/regions~1europe-west1/warning/code").asText()).isEqualTo("NO_RESULTS_ON_PAGE");
  }

  @Test
  void theRecorderCountsRequests() throws Exception {
    RecorderClient recorder = new RecorderClient(sim.endpoint());
    recorder.reset();
    call("GET", "zones/us-central1-a", null);
    call("GET", "zones/nowhere-1-a", null);
    assertThat(recorder.requests()).extracting(r -> r.method() + " " + r.status())
        .containsExactly("GET 200", "GET 404");
  }
}
