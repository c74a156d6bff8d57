package dev.fairlead.sim.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairlead.sim.http.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ARM protocol as the simulator speaks it, over HTTPS, on a clock the test advances. */
class ArmSimulatorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SUB = "11111111-2222-3333-4444-555555555555";
  static final String RG = "rg";
  static final String NET = "/subscriptions/" + SUB + "/resourceGroups/" + RG + "/providers/Microsoft.Network";
  static final String V = "?api-version=2024-07-01";

  final AtomicLong now = new AtomicLong(1_000_000_000L);
  ArmSimulator sim;
  HttpClient http;
  String subnetId;

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String errorCode() {
      return body.path("error").path("code").asText();
    }
  }

  @BeforeEach
  void start() throws Exception {
    sim = ArmSimulator.start(ArmSimulator.Options.defaults(), now::get);
    subnetId = sim.createVirtualNetwork(SUB, RG, "eastus", "vnet", "192.0.2.0/24", "nodes", "192.0.2.0/24");
    sim.createSecurityGroup(SUB, RG, "eastus", "nsg");
    http = HttpClient.newBuilder().sslContext(sim.sslContext()).build();
  }

  @AfterEach
  void stop() {
    http.close();
    sim.close();
  }

  Reply send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.endpoint() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer test");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()), r);
  }

  Reply putPip(String name) throws Exception {
    return send("PUT", NET + "/publicIPAddresses/" + name + V, """
        {"location":"eastus","sku":{"name":"Standard"},"properties":{"publicIPAllocationMethod":"Static"},
         "tags":{"k8s-azure-service":"ns/web"}}""");
  }

  String lb(String frontendName, String pipName) {
    String lbId = NET + "/loadBalancers/kubernetes";
    return """
        {"location":"eastus","sku":{"name":"Standard"},"properties":{
          "frontendIPConfigurations":[{"name":"%1$s","properties":{"publicIPAddress":{"id":"%2$s"}}}],
          "backendAddressPools":[{"name":"kubernetes","properties":{"loadBalancerBackendAddresses":[
            {"name":"n1","properties":{"ipAddress":"192.0.2.11","virtualNetwork":{"id":"%3$s"}}}]}}],
          "probes":[{"name":"%1$s-TCP-80","properties":{"protocol":"Tcp","port":30080}}],
          "loadBalancingRules":[{"name":"%1$s-TCP-80","properties":{"protocol":"Tcp","frontendPort":80,
            "backendPort":80,"frontendIPConfiguration":{"id":"%4$s/frontendIPConfigurations/%1$s"},
            "backendAddressPool":{"id":"%4$s/backendAddressPools/kubernetes"},
            "probe":{"id":"%4$s/probes/%1$s-TCP-80"}}}]}}"""
        .formatted(frontendName, NET + "/publicIPAddresses/" + pipName,
            "/subscriptions/" + SUB + "/resourceGroups/" + RG + "/providers/Microsoft.Network/virtualNetworks/vnet",
            lbId);
  }

  @Test
  void publicIpGetsAStaticDocumentationAddressAndCannotBeDeletedWhileAFrontendUsesIt() throws Exception {
    Reply created = putPip("kubernetes-a1");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Azure-AsyncOperation")).startsWith(sim.endpoint() + "/subscriptions/" + SUB);
    String address = created.body().path("properties").path("ipAddress").asText();
    assertThat(address).startsWith("198.51.100.");
    assertThat(created.body().path("etag").asText()).startsWith("W/\"");

    Reply lb = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "kubernetes-a1"));
    assertThat(lb.status()).as(lb.body().toString()).isEqualTo(201);
    Reply pip = send("GET", NET + "/publicIPAddresses/kubernetes-a1" + V, null);
    assertThat(pip.body().path("properties").path("ipConfiguration").path("id").asText())
        .isEqualTo(NET + "/loadBalancers/kubernetes/frontendIPConfigurations/a1");
    assertThat(pip.body().path("etag").asText()).as("using the address changes its ETag")
        .isNotEqualTo(created.body().path("etag").asText());
    assertThat(lb.body().at("/properties/frontendIPConfigurations/0/properties/loadBalancingRules/0/id").asText())
        .endsWith("/loadBalancingRules/a1-TCP-80");

    Reply refused = send("DELETE", NET + "/publicIPAddresses/kubernetes-a1" + V, null);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("PublicIPAddressCannotBeDeleted");

    assertThat(send("DELETE", NET + "/loadBalancers/kubernetes" + V, null).status()).isEqualTo(200);
    assertThat(send("DELETE", NET + "/publicIPAddresses/kubernetes-a1" + V, null).status()).isEqualTo(200);
    Reply gone = send("GET", NET + "/publicIPAddresses/kubernetes-a1" + V, null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("ResourceNotFound");
    assertThat(send("DELETE", NET + "/publicIPAddresses/kubernetes-a1" + V, null).status()).isEqualTo(204);
  }

  @Test
  void aStaleIfMatchIsRefusedWithTheRealPreconditionFailedBody() throws Exception {
    putPip("kubernetes-a1");
    Reply first = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "kubernetes-a1"));
    String etag = first.body().path("etag").asText();
    Reply second = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "kubernetes-a1"), "If-Match", etag);
    assertThat(second.status()).isEqualTo(200);

    Reply stale = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "kubernetes-a1"), "If-Match", etag);

    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.errorCode()).isEqualTo("PreconditionFailed");
    assertThat(stale.body().at("/error/details/0/code").asText()).isEqualTo("PreconditionFailedEtagMismatch");
    Reply exists = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "kubernetes-a1"), "If-None-Match", "*");
    assertThat(exists.status()).isEqualTo(412);
  }

  @Test
  void referencesMustResolve() throws Exception {
    Reply missingPip = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "nope"));
    assertThat(missingPip.status()).isEqualTo(400);
    assertThat(missingPip.errorCode()).isEqualTo("InvalidResourceReference");
    assertThat(missingPip.body().at("/error/message").asText()).contains("publicIPAddresses/nope");

    Reply noGroup = send("PUT", NET.replace("/rg/", "/other/") + "/publicIPAddresses/x" + V,
        "{\"location\":\"eastus\"}");
    assertThat(noGroup.status()).isEqualTo(404);
    assertThat(noGroup.errorCode()).isEqualTo("ResourceGroupNotFound");
    assertThat(send("GET", NET + "/publicIPAddresses/x", null).errorCode()).isEqualTo("MissingApiVersionParameter");
  }

  @Test
  void operationsTakeTheirTimeAndALaterPutSupersedesOneInFlight() throws Exception {
    sim.setOperationLatency(Duration.ofSeconds(2));
    Reply pip = putPip("kubernetes-a1");
    assertThat(pip.body().at("/properties/provisioningState").asText()).isEqualTo("Updating");
    assertThat(pip.header("Retry-After")).isEqualTo("2");
    URI poll = URI.create(pip.header("Azure-AsyncOperation"));
    assertThat(send("GET", poll.getRawPath() + "?" + poll.getRawQuery(), null).body().path("status").asText())
        .isEqualTo("InProgress");
    Reply early = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "kubernetes-a1"));
    assertThat(early.errorCode()).as("a frontend cannot use an address still being created")
        .isEqualTo("ReferencedResourceNotProvisioned");

    Reply again = putPip("kubernetes-a1");
    assertThat(send("GET", poll.getRawPath() + "?" + poll.getRawQuery(), null).body().at("/error/code").asText())
        .isEqualTo("CanceledAndSupersededDueToAnotherOperation");
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    URI second = URI.create(again.header("Azure-AsyncOperation"));
    assertThat(send("GET", second.getRawPath() + "?" + second.getRawQuery(), null).body().path("status").asText())
        .isEqualTo("Succeeded");
    assertThat(send("GET", NET + "/publicIPAddresses/kubernetes-a1" + V, null).body()
        .at("/properties/provisioningState").asText()).isEqualTo("Succeeded");

    Reply delete = send("DELETE", NET + "/publicIPAddresses/kubernetes-a1" + V, null);
    assertThat(delete.status()).isEqualTo(202);
    assertThat(delete.header("Location")).contains("/operationResults/");
    assertThat(send("GET", NET + "/publicIPAddresses/kubernetes-a1" + V, null).body()
        .at("/properties/provisioningState").asText()).isEqualTo("Deleting");
    URI result = URI.create(delete.header("Location"));
    assertThat(send("GET", result.getRawPath() + "?" + result.getRawQuery(), null).status()).isEqualTo(202);
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(send("GET", result.getRawPath() + "?" + result.getRawQuery(), null).status()).isEqualTo(204);
    assertThat(send("GET", NET + "/publicIPAddresses/kubernetes-a1" + V, null).status()).isEqualTo(404);
  }

  @Test
  void quotasAndSecurityRuleConflictsAreRefusedWithAzuresCodes() throws Exception {
    sim.setLimits(new ArmSimulator.Limits(1, 10, 2, 2));
    putPip("p1");
    putPip("p2");
    assertThat(putPip("p3").errorCode()).isEqualTo("PublicIPCountLimitReached");
    String two = lb("a1", "p1").replace("\"frontendIPConfigurations\":[",
        "\"frontendIPConfigurations\":[{\"name\":\"a2\",\"properties\":{\"publicIPAddress\":{\"id\":\""
            + NET + "/publicIPAddresses/p2\"}}},");
    assertThat(send("PUT", NET + "/loadBalancers/kubernetes" + V, two).errorCode())
        .isEqualTo("LoadBalancerFrontendIPConfigurationCountLimitReached");

    String rule = "{\"name\":\"%s\",\"properties\":{\"protocol\":\"Tcp\",\"access\":\"Allow\",\"direction\":\"Inbound\","
        + "\"priority\":%d,\"sourceAddressPrefix\":\"Internet\",\"sourcePortRange\":\"*\","
        + "\"destinationAddressPrefixes\":[\"203.0.113.1\"],\"destinationPortRange\":\"80\"}}";
    Reply conflict = send("PUT", NET + "/networkSecurityGroups/nsg" + V, "{\"location\":\"eastus\",\"properties\":"
        + "{\"securityRules\":[" + rule.formatted("a", 500) + "," + rule.formatted("b", 500) + "]}}");
    assertThat(conflict.errorCode()).isEqualTo("SecurityRuleConflict");
    Reply tooMany = send("PUT", NET + "/networkSecurityGroups/nsg" + V, "{\"location\":\"eastus\",\"properties\":"
        + "{\"securityRules\":[" + rule.formatted("a", 500) + "," + rule.formatted("b", 501) + ","
        + rule.formatted("c", 502) + "]}}");
    assertThat(tooMany.errorCode()).isEqualTo("SecurityRuleCountLimitReached");
  }

  @Test
  void childResourcesAreWrittenThroughTheirParent() throws Exception {
    putPip("kubernetes-a1");
    String before = send("PUT", NET + "/loadBalancers/kubernetes" + V, lb("a1", "kubernetes-a1")).body()
        .path("etag").asText();
    Reply pool = send("PUT", NET + "/loadBalancers/kubernetes/backendAddressPools/kubernetes" + V,
        "{\"properties\":{\"loadBalancerBackendAddresses\":[{\"name\":\"n2\",\"properties\":{\"ipAddress\":"
            + "\"192.0.2.12\",\"virtualNetwork\":{\"id\":\"" + subnetId.replace("/subnets/nodes", "") + "\"}}}]}}");
    assertThat(pool.status()).isEqualTo(200);
    JsonNode lb = send("GET", NET + "/loadBalancers/kubernetes" + V, null).body();
    assertThat(lb.path("etag").asText()).isNotEqualTo(before);
    assertThat(lb.at("/properties/backendAddressPools/0/properties/loadBalancerBackendAddresses/0/properties/ipAddress")
        .asText()).isEqualTo("192.0.2.12");
    assertThat(send("GET", NET + "/loadBalancers/kubernetes/probes/missing" + V, null).errorCode())
        .isEqualTo("NotFound");
  }

  @Test
  void writesAreThrottledPerSubscriptionWithRetryAfterAndEveryRequestIsRecorded() throws Exception {
    sim.throttle(0, 1, 2);
    putPip("p1");
    putPip("p2");
    Reply throttled = putPip("p3");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.errorCode()).isEqualTo("SubscriptionRequestsThrottled");
    assertThat(throttled.header("Retry-After")).isEqualTo("1");
    assertThat(send("GET", NET + "/publicIPAddresses" + V, null).body().path("value")).hasSize(2);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(putPip("p3").status()).isEqualTo(201);
    assertThat(sim.recorder().all()).extracting(RecordedRequest::status).containsExactly(201, 201, 429, 200, 201);
  }
}
