package dev.fairlead.lb.azure.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.azure.AzureProviderFactory;
import dev.fairlead.lb.azure.model.Names;
import dev.fairlead.lb.tck.Specs;
import dev.fairlead.sim.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Azure SDK for JavaScript as an independent client: it reads what the provider wrote, and it
 * creates upstream-named resources through the long-running-operation protocol (its own poller),
 * which the provider then adopts without a new address.
 */
class IndependentClientIT {
  static final String CLUSTER = "kubernetes";
  AzureSim azure;
  JsOracle js;
  final Specs specs = new Specs("js-", AzureSim.nodes(3), new AzureProviderFactory().capabilities());

  @BeforeAll
  static void install() {
    JsOracle.install();
  }

  @BeforeEach
  void start() {
    azure = AzureSim.start(Duration.ofMillis(400));
    js = new JsOracle(azure, azure.sim.endpoint().toString());
  }

  @AfterEach
  void stop() {
    azure.close();
  }

  @Test
  void theJavaScriptSdkReadsWhatTheProviderWrote() {
    LoadBalancerSpec spec = specs.forNewService().ports(Specs.port(Protocol.TCP, 80), Specs.port(Protocol.TCP, 443))
        .build();
    String owner = Names.owner(spec.service());
    String ip;
    try (LoadBalancerProvider provider = azure.provider(CLUSTER)) {
      LoadBalancerStatus status = provider.ensure(spec);
      ip = ((LoadBalancerStatus.Ip) status.ingress().getFirst()).address().getHostAddress();
    }

    JsonNode lb = js.get("loadBalancers", CLUSTER);
    assertThat(lb.at("/sku/name").asText()).isEqualTo("Standard");
    assertThat(lb.at("/provisioningState").asText()).isEqualTo("Succeeded");
    assertThat(lb.at("/frontendIPConfigurations/0/name").asText()).isEqualTo(owner);
    assertThat(lb.at("/frontendIPConfigurations/0/publicIPAddress/id").asText())
        .endsWith("/publicIPAddresses/" + CLUSTER + "-" + owner);
    assertThat(StreamSupport.stream(lb.path("loadBalancingRules").spliterator(), false)
        .map(r -> r.path("name").asText() + ":" + r.path("frontendPort").asInt() + ":" + r.path("probe").path("id")
            .asText().replaceAll(".*/", "")))
        .containsExactlyInAnyOrder(owner + "-TCP-80:80:" + owner + "-TCP-80", owner + "-TCP-443:443:" + owner
            + "-TCP-443");
    assertThat(StreamSupport.stream(lb.at("/backendAddressPools/0/loadBalancerBackendAddresses").spliterator(), false)
        .map(a -> a.path("ipAddress").asText())).containsExactly("192.0.2.11", "192.0.2.12", "192.0.2.13");

    JsonNode pips = js.list("publicIPAddresses");
    assertThat(pips).singleElement().satisfies(p -> {
      assertThat(p.path("ipAddress").asText()).isEqualTo(ip);
      assertThat(p.at("/tags/k8s-azure-service").asText()).isEqualTo(spec.service().qualifiedName());
      assertThat(p.at("/tags/k8s-azure-cluster-name").asText()).isEqualTo(CLUSTER);
      assertThat(p.at("/sku/name").asText()).isEqualTo("Standard");
      assertThat(p.path("publicIPAllocationMethod").asText()).isEqualTo("Static");
    });
    JsonNode nsg = js.get("networkSecurityGroups", "fairlead-nsg");
    assertThat(nsg.path("securityRules")).anySatisfy(r -> {
      assertThat(r.path("destinationAddressPrefixes").toString()).contains(ip);
      assertThat(r.path("destinationPortRanges").toString()).contains("80").contains("443");
      assertThat(r.path("sourceAddressPrefix").asText()).isEqualTo("Internet");
    });
  }

  @Test
  void resourcesCreatedUpstreamStyleByTheJavaScriptSdkAreAdoptedWithoutANewAddress() {
    ServiceKey service = new ServiceKey("shop", "legacy", UUID.randomUUID().toString());
    String owner = Names.owner(service);
    String pipName = CLUSTER + "-" + owner;
    azure.resetRecorder();

    // What the upstream cloud-controller-manager left behind, written through the JS SDK's poller.
    JsonNode pip = js.put("publicIPAddresses", pipName, """
        {"location":"eastus","sku":{"name":"Standard"},"publicIPAllocationMethod":"Static",
         "tags":{"k8s-azure-service":"shop/legacy","k8s-azure-cluster-name":"kubernetes"}}""");
    String upstreamIp = pip.path("ipAddress").asText();
    assertThat(upstreamIp).isNotEmpty();
    String lbId = AzureSim.NET + "/loadBalancers/" + CLUSTER;
    String vnet = AzureSim.NET + "/virtualNetworks/fairlead-vnet";
    js.put("loadBalancers", CLUSTER, """
        {"location":"eastus","sku":{"name":"Standard"},
         "frontendIPConfigurations":[{"name":"%1$s","publicIPAddress":{"id":"%2$s"}}],
         "backendAddressPools":[{"name":"kubernetes","loadBalancerBackendAddresses":[
           {"name":"node-1","ipAddress":"192.0.2.11","virtualNetwork":{"id":"%4$s"}}]}],
         "probes":[{"name":"%1$s-TCP-80","protocol":"Tcp","port":30080,"intervalInSeconds":5,"numberOfProbes":2}],
         "loadBalancingRules":[{"name":"%1$s-TCP-80","protocol":"Tcp","frontendPort":80,"backendPort":80,
           "enableFloatingIP":true,"idleTimeoutInMinutes":4,"enableTcpReset":true,
           "frontendIPConfiguration":{"id":"%3$s/frontendIPConfigurations/%1$s"},
           "backendAddressPool":{"id":"%3$s/backendAddressPools/kubernetes"},
           "probe":{"id":"%3$s/probes/%1$s-TCP-80"}}]}"""
        .formatted(owner, AzureSim.NET + "/publicIPAddresses/" + pipName, lbId, vnet));
    List<RecordedRequest> jsRequests = azure.requests();
    assertThat(jsRequests).as("the JS SDK polled the operations itself").anySatisfy(r -> {
      assertThat(r.path()).contains("/operations/");
      assertThat(r.userAgent()).contains("azsdk-js");
    });

    azure.resetRecorder();
    LoadBalancerSpec spec = specs.forService(service).ports(Specs.port(Protocol.TCP, 80)).build();
    try (LoadBalancerProvider provider = azure.provider(CLUSTER)) {
      LoadBalancerStatus status = provider.ensure(spec);

      assertThat(((LoadBalancerStatus.Ip) status.ingress().getFirst()).address().getHostAddress())
          .as("the address the Service had under upstream").isEqualTo(upstreamIp);
    }
    assertThat(azure.requests()).as("no public IP is created or rewritten")
        .noneMatch(r -> r.method().equals("PUT") && r.path().contains("/publicIPAddresses/"));
    assertThat(js.list("publicIPAddresses")).hasSize(1);
    JsonNode lb = js.get("loadBalancers", CLUSTER);
    assertThat(lb.path("frontendIPConfigurations")).singleElement()
        .satisfies(f -> assertThat(f.path("name").asText()).isEqualTo(owner));
    assertThat(StreamSupport.stream(lb.at("/backendAddressPools/0/loadBalancerBackendAddresses").spliterator(), false)
        .map(a -> a.path("ipAddress").asText())).containsExactly("192.0.2.11", "192.0.2.12", "192.0.2.13");
  }
}
