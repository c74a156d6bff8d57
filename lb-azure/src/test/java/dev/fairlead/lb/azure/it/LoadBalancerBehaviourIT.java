package dev.fairlead.lb.azure.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.azure.AzureProviderFactory;
import dev.fairlead.lb.azure.model.Annotations;
import dev.fairlead.lb.azure.model.Names;
import dev.fairlead.lb.tck.Specs;
import dev.fairlead.sim.azure.ArmSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Internal Services, switching between public and internal, named and requested addresses, quotas. */
class LoadBalancerBehaviourIT {
  static final String CLUSTER = "behaviour";
  AzureSim azure;
  LoadBalancerProvider provider;
  final Specs specs = new Specs("lb-", AzureSim.nodes(3), new AzureProviderFactory().capabilities());

  @BeforeEach
  void start() {
    azure = AzureSim.start();
    provider = azure.provider(CLUSTER);
  }

  @AfterEach
  void stop() {
    provider.close();
    azure.close();
  }

  static String ip(LoadBalancerStatus status) {
    return ((LoadBalancerStatus.Ip) status.ingress().getFirst()).address().getHostAddress();
  }

  List<JsonNode> publicIps() {
    return new ArrayList<>(azure.sim.resources(AzureSim.SUBSCRIPTION, AzureSim.GROUP, "publicIPAddresses"));
  }

  @Test
  void anInternalServiceGetsAnAddressInTheSubnetAndSwitchingToPublicAndBackLeavesNothingBehind() {
    LoadBalancerSpec internal = specs.forNewService().annotations(Map.of(Annotations.INTERNAL, "true")).build();

    String privateIp = ip(provider.ensure(internal));

    assertThat(privateIp).startsWith("192.0.2.");
    JsonNode ilb = azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER + "-internal");
    assertThat(ilb.at("/properties/frontendIPConfigurations/0/properties/subnet/id").asText())
        .endsWith("/subnets/fairlead-nodes");
    assertThat(publicIps()).isEmpty();

    LoadBalancerSpec asPublic = specs.forService(internal.service()).build();
    String publicIp = ip(provider.ensure(asPublic));
    assertThat(publicIp).startsWith("198.51.100.");
    assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER + "-internal"))
        .as("the internal load balancer went with its last frontend").isNull();

    assertThat(ip(provider.ensure(internal))).startsWith("192.0.2.");
    assertThat(publicIps()).as("the public IP went when the Service turned internal").isEmpty();
    assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER)).isNull();

    provider.ensureDeleted(internal.service());
    assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER + "-internal")).isNull();
    assertThat(provider.find(internal.service())).isEmpty();
  }

  @Test
  void aRequestedPrivateAddressIsKept() {
    LoadBalancerSpec spec = specs.forNewService().annotations(Map.of(Annotations.INTERNAL, "true",
        Annotations.IPV4, "192.0.2.200")).build();

    assertThat(ip(provider.ensure(spec))).isEqualTo("192.0.2.200");
  }

  @Test
  void aUsersOwnPublicIpIsUsedAndKeptAndANamedOneTheProviderCreatedGoesWithTheService() {
    String users = UserAddresses.create(azure, "users-ip").getHostAddress();
    LoadBalancerSpec onUsers = specs.forNewService().annotations(Map.of(Annotations.PIP_NAME, "users-ip")).build();
    LoadBalancerSpec named = specs.forNewService().annotations(Map.of(Annotations.PIP_NAME, "shop-web-ip",
        Annotations.DNS_LABEL, "shop-web")).build();

    assertThat(ip(provider.ensure(onUsers))).isEqualTo(users);
    provider.ensure(named);
    JsonNode created = azure.sim.resource(AzureSim.NET + "/publicIPAddresses/shop-web-ip");
    assertThat(created.at("/properties/dnsSettings/fqdn").asText()).isEqualTo("shop-web.eastus.cloudapp.azure.com");
    assertThat(created.at("/tags/" + Names.SERVICE_TAG).asText()).isEqualTo(named.service().qualifiedName());

    try (LoadBalancerProvider restarted = azure.provider(CLUSTER)) {
      restarted.ensureDeleted(onUsers.service());
      restarted.ensureDeleted(named.service());
    }
    assertThat(publicIps()).extracting(p -> p.path("name").asText()).containsExactly("users-ip");
  }

  @Test
  void servicesBeyondTheFrontendQuotaFailAloneAndLeakNoAddressOnceDeleted() throws Exception {
    // k8s#59255: upstream leaked the public IPs of Services that hit the frontend quota.
    azure.sim.setLimits(new ArmSimulator.Limits(3, 1500, 1000, 1000));
    List<LoadBalancerSpec> all = new ArrayList<>();
    List<Future<LoadBalancerStatus>> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 6; i++) {
        LoadBalancerSpec spec = specs.forNewService().ports(Specs.port(Protocol.TCP, 80)).build();
        all.add(spec);
        results.add(threads.submit(() -> provider.ensure(spec)));
      }
    }
    int ok = 0;
    for (Future<LoadBalancerStatus> f : results) {
      try {
        f.get();
        ok++;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(LoadBalancerException.class)
            .hasMessageContaining("LoadBalancerFrontendIPConfigurationCountLimitReached");
      }
    }
    assertThat(ok).as("the quota admits three, whichever they are").isEqualTo(3);
    assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER).at("/properties/frontendIPConfigurations"))
        .hasSize(3);

    all.forEach(s -> provider.ensureDeleted(s.service()));
    assertThat(publicIps()).as("no public IP outlives its Service").isEmpty();
    assertThatThrownBy(() -> azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER).isEmpty())
        .isInstanceOf(NullPointerException.class);
  }
}
