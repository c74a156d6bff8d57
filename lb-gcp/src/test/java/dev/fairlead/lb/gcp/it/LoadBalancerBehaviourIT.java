package dev.fairlead.lb.gcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.SessionAffinity;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.cloud.UpstreamNames;
import dev.fairlead.lb.gcp.GcpProviderFactory;
import dev.fairlead.lb.gcp.model.ServiceOptions;
import dev.fairlead.lb.tck.Specs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a platform team relies on, checked on the simulator with gcloud as the independent client:
 * immutable changes keep the address, upstream load balancers are adopted, instances created with
 * gcloud serve as backends, internal load balancers, mixed protocols on one address, a user's static
 * address is never deleted, bad input fails before any call, failed operations name the resource.
 */
class LoadBalancerBehaviourIT {
  static final String CLUSTER = "behaviour";

  @TempDir Path dir;
  SimCloud cloud;
  List<BackendNode> nodes;
  LoadBalancerProvider provider;
  Specs specs;
  Gcloud gcloud;

  @BeforeEach
  void setUp() {
    cloud = new SimCloud();
    nodes = cloud.nodes(SimCloud.PROJECT, SimCloud.ZONE, 1, 3);
    cloud.sim.operationDelay(Duration.ofMillis(10));
    provider = open();
    specs = new Specs("bhv-", nodes, provider.capabilities());
    gcloud = new Gcloud(dir, cloud.sim.computeUrl(), SimCloud.PROJECT);
  }

  @AfterEach
  void tearDown() {
    provider.close();
    cloud.close();
  }

  LoadBalancerProvider open() {
    return new GcpProviderFactory().create(new ProviderContext(CLUSTER, cloud.settings(), Clock.systemUTC(),
        ApiCallListener.NONE));
  }

  static String ip(LoadBalancerStatus status) {
    return ((LoadBalancerStatus.Ip) status.ingress().getFirst()).address().getHostAddress();
  }

  @Test
  void changesComputeCannotMakeInPlaceKeepTheAddress() {
    LoadBalancerSpec spec = specs.newSpec();
    String ip = ip(provider.ensure(spec));
    String lb = UpstreamNames.loadBalancerName(spec.service());

    // Port range 80-80 -> 80-8080: the rule is recreated on the address, promoted to static meanwhile.
    LoadBalancerSpec wider = specs.forService(spec.service())
        .ports(Specs.port(Protocol.TCP, 80), Specs.port(Protocol.TCP, 8080)).build();
    assertThat(ip(provider.ensure(wider))).isEqualTo(ip);
    assertThat(rule(lb).path("portRange").asText()).isEqualTo("80-8080");
    assertThat(cloud.sim.resources("addresses")).as("the temporary reservation is released").isEmpty();

    // Session affinity: the target pool is recreated, behind a recreated rule, same address.
    LoadBalancerSpec sticky = specs.forService(spec.service()).ports(wider.ports().toArray(new dev.fairlead.lb.api.PortMapping[0]))
        .sessionAffinity(SessionAffinity.CLIENT_IP).build();
    assertThat(ip(provider.ensure(sticky))).isEqualTo(ip);
    assertThat(cloud.sim.resource(path("targetPools", lb)).path("sessionAffinity").asText()).isEqualTo("CLIENT_IP");

    // Policy Local: the pool's health check is swapped in place; the per-Service check exists.
    LoadBalancerSpec local = specs.forService(spec.service()).ports(wider.ports().toArray(new dev.fairlead.lb.api.PortMapping[0]))
        .annotations(sticky.annotations()).trafficPolicy(new TrafficPolicy.Local(32100)).build();
    assertThat(ip(provider.ensure(local))).isEqualTo(ip);
    assertThat(cloud.sim.resource("projects/" + SimCloud.PROJECT + "/global/httpHealthChecks/" + lb).path("port").asInt())
        .isEqualTo(32100);
    assertThat(cloud.sim.resource(path("targetPools", lb)).path("healthChecks").toString()).contains("/httpHealthChecks/" + lb);

    // Protocol TCP -> UDP: recreated, same address.
    LoadBalancerSpec udp = specs.forService(spec.service()).ports(Specs.port(Protocol.UDP, 53)).build();
    assertThat(ip(provider.ensure(udp))).isEqualTo(ip);
    assertThat(rule(lb).path("IPProtocol").asText()).isEqualTo("UDP");
    assertThat(cloud.sim.resources("httpHealthChecks")).as("the per-Service check is gone with policy Cluster")
        .noneMatch(p -> p.endsWith("/" + lb));

    if (Gcloud.installed()) {
      assertThat(gcloud.ok("compute", "forwarding-rules", "describe", lb, "--region", SimCloud.REGION,
          "--format=value(IPAddress,IPProtocol,portRange)")).contains(ip).contains("UDP").contains("53-53");
    }
    provider.ensureDeleted(spec.service());
    assertThat(cloud.loadBalancingResources()).isEmpty();
  }

  @Test
  void adoptsTheLoadBalancerUpstreamCreatedWithoutANewAddress() {
    Assumptions.assumeTrue(Gcloud.installed(), "gcloud is not installed: the upstream load balancer is built with it");
    LoadBalancerSpec spec = specs.forNewService().ports(Specs.port(Protocol.TCP, 80), Specs.port(Protocol.TCP, 443)).build();
    String lb = UpstreamNames.loadBalancerName(spec.service());
    String description = "{\"kubernetes.io/service-name\":\"" + spec.service().qualifiedName() + "\"}";
    // What cloud-provider-gcp leaves behind: shared node check, target pool, rule, firewall.
    gcloud.ok("compute", "http-health-checks", "create", "k8s-" + CLUSTER + "-node", "--port", "10256",
        "--request-path", "/healthz");
    gcloud.ok("compute", "target-pools", "create", lb, "--region", SimCloud.REGION, "--http-health-check",
        "k8s-" + CLUSTER + "-node", "--description", description);
    gcloud.ok("compute", "target-pools", "add-instances", lb, "--region", SimCloud.REGION, "--instances",
        "node-1,node-2", "--instances-zone", SimCloud.ZONE);
    gcloud.ok("compute", "forwarding-rules", "create", lb, "--region", SimCloud.REGION, "--ports", "80-443",
        "--target-pool", lb, "--description", description);
    String upstreamIp = gcloud.ok("compute", "forwarding-rules", "describe", lb, "--region", SimCloud.REGION,
        "--format=value(IPAddress)").strip();
    cloud.sim.recorder().reset();

    assertThat(ip(provider.ensure(spec))).as("the upstream address is kept").isEqualTo(upstreamIp);
    List<String> calls = cloud.requests();
    assertThat(calls).as("the rule is neither deleted nor recreated")
        .noneMatch(c -> c.startsWith("DELETE regions/" + SimCloud.REGION + "/forwardingRules"))
        .noneMatch(c -> c.equals("POST regions/" + SimCloud.REGION + "/forwardingRules"));
    assertThat(cloud.sim.resource(path("targetPools", lb)).path("instances").toString()).contains("node-3");
    assertThat(cloud.sim.resources("forwardingRules")).hasSize(1);
    assertThat(gcloud.ok("compute", "firewall-rules", "describe", "k8s-fw-" + lb, "--format=value(destinationRanges)"))
        .contains(upstreamIp);
    // A fresh instance (a restart) agrees without recreating anything.
    try (LoadBalancerProvider fresh = open()) {
      fresh.recover(Map.of());
      assertThat(ip(fresh.ensure(spec))).isEqualTo(upstreamIp);
    }
  }

  @Test
  void instancesCreatedWithGcloudServeAsBackends() {
    Assumptions.assumeTrue(Gcloud.installed(), "gcloud is not installed");
    gcloud.ok("compute", "instances", "create", "gcloud-vm", "--zone", "us-central1-b", "--machine-type", "e2-small",
        "--tags", "k8s-node");
    List<BackendNode> backends = new ArrayList<>(nodes);
    backends.add(new BackendNode("gcloud-vm", "gce://" + SimCloud.PROJECT + "/us-central1-b/gcloud-vm",
        List.of(IpLiteral.parse("192.0.2.50")), Map.of()));
    LoadBalancerSpec spec = specs.forNewService().backends(backends).build();
    provider.ensure(spec);
    String lb = UpstreamNames.loadBalancerName(spec.service());
    assertThat(gcloud.ok("compute", "target-pools", "describe", lb, "--region", SimCloud.REGION,
        "--format=value(instances.map().basename().list())")).contains("gcloud-vm").contains("node-1");
    provider.ensureDeleted(spec.service());
  }

  @Test
  void internalLoadBalancerOnSharedInstanceGroups() {
    Map<String, String> internal = Map.of(ServiceOptions.TYPE, "Internal", ServiceOptions.ILB_GLOBAL_ACCESS, "true");
    LoadBalancerSpec spec = specs.forNewService().ports(Specs.port(Protocol.TCP, 80), Specs.port(Protocol.TCP, 443))
        .annotations(internal).build();
    String ip = ip(provider.ensure(spec));
    String lb = UpstreamNames.loadBalancerName(spec.service());
    assertThat(ip).startsWith("192.0.2.");
    var rule = rule(lb);
    assertThat(rule.path("loadBalancingScheme").asText()).isEqualTo("INTERNAL");
    assertThat(rule.path("ports").toString()).contains("80").contains("443");
    assertThat(rule.path("allowGlobalAccess").asBoolean()).isTrue();
    assertThat(cloud.sim.resource("projects/" + SimCloud.PROJECT + "/zones/" + SimCloud.ZONE + "/instanceGroups/k8s-ig--"
        + CLUSTER).path("size").asInt()).isEqualTo(3);

    // Global access is the one field patched in place: same rule, same address.
    LoadBalancerSpec closed = specs.forService(spec.service()).ports(spec.ports().toArray(new dev.fairlead.lb.api.PortMapping[0]))
        .annotations(Map.of(ServiceOptions.TYPE, "Internal")).build();
    cloud.sim.recorder().reset();
    assertThat(ip(provider.ensure(closed))).isEqualTo(ip);
    assertThat(cloud.requests()).anyMatch(r -> r.startsWith("PATCH regions/" + SimCloud.REGION + "/forwardingRules/" + lb))
        .noneMatch(r -> r.startsWith("DELETE regions/" + SimCloud.REGION + "/forwardingRules"));
    assertThat(rule(lb).path("allowGlobalAccess").asBoolean()).isFalse();

    // More than five ports: all ports.
    LoadBalancerSpec many = specs.forService(spec.service()).annotations(closed.annotations())
        .ports(Specs.port(Protocol.TCP, 1), Specs.port(Protocol.TCP, 2), Specs.port(Protocol.TCP, 3),
            Specs.port(Protocol.TCP, 4), Specs.port(Protocol.TCP, 5), Specs.port(Protocol.TCP, 6)).build();
    assertThat(ip(provider.ensure(many))).isEqualTo(ip);
    assertThat(rule(lb).path("allPorts").asBoolean()).isTrue();

    provider.ensureDeleted(spec.service());
    assertThat(cloud.loadBalancingResources()).as("the last internal Service takes the shared groups along").isEmpty();
  }

  @Test
  void tcpAndUdpShareOneReservedAddress() {
    LoadBalancerSpec spec = specs.forNewService().ports(Specs.port(Protocol.TCP, 53), Specs.port(Protocol.UDP, 53)).build();
    String ip = ip(provider.ensure(spec));
    String lb = UpstreamNames.loadBalancerName(spec.service());
    assertThat(rule(lb).path("IPAddress").asText()).isEqualTo(ip);
    assertThat(rule(lb + "-udp").path("IPAddress").asText()).isEqualTo(ip);
    assertThat(cloud.sim.resource("projects/" + SimCloud.PROJECT + "/regions/" + SimCloud.REGION + "/addresses/" + lb)
        .path("status").asText()).isEqualTo("IN_USE");
    // Back to TCP only: the UDP rule goes, the address stays with the TCP rule as ephemeral.
    assertThat(ip(provider.ensure(specs.forService(spec.service()).ports(Specs.port(Protocol.TCP, 53)).build()))).isEqualTo(ip);
    assertThat(cloud.sim.resources("forwardingRules")).hasSize(1);
    assertThat(cloud.sim.resources("addresses")).isEmpty();
    provider.ensureDeleted(spec.service());
    assertThat(cloud.loadBalancingResources()).isEmpty();
  }

  @Test
  void aRequestedStaticAddressIsUsedAndNeverReleased() {
    cloud.post("projects/" + SimCloud.PROJECT + "/regions/" + SimCloud.REGION + "/addresses",
        "{\"name\":\"shop-ip\",\"address\":\"198.51.100.77\"}");
    LoadBalancerSpec spec = specs.forNewService().requestedAddresses(IpLiteral.parse("198.51.100.77")).build();
    assertThat(ip(provider.ensure(spec))).isEqualTo("198.51.100.77");
    provider.ensureDeleted(spec.service());
    assertThat(cloud.sim.resources("addresses")).containsExactly(
        "projects/" + SimCloud.PROJECT + "/regions/" + SimCloud.REGION + "/addresses/shop-ip");
  }

  @Test
  void badInputFailsBeforeAnyCallAndNamesTheAnnotation() {
    cloud.sim.recorder().reset();
    LoadBalancerSpec tier = specs.forNewService().annotations(Map.of(ServiceOptions.NETWORK_TIER, "Gold")).build();
    assertThatThrownBy(() -> provider.ensure(tier)).isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining(ServiceOptions.NETWORK_TIER).hasMessageContaining("Gold");
    LoadBalancerSpec mixedInternal = specs.forNewService().ports(Specs.port(Protocol.TCP, 53), Specs.port(Protocol.UDP, 53))
        .annotations(Map.of(ServiceOptions.TYPE, "Internal")).build();
    assertThatThrownBy(() -> provider.ensure(mixedInternal)).isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("one protocol");
    assertThat(cloud.requests()).isEmpty();
  }

  @Test
  void anOperationThatFailsNamesTheResourceAndTheReason() {
    cloud.sim.quota("FORWARDING_RULES", 0);
    LoadBalancerSpec spec = specs.newSpec();
    assertThatThrownBy(() -> provider.ensure(spec)).isInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("forwardingRules/" + UpstreamNames.loadBalancerName(spec.service()))
        .hasMessageContaining("QUOTA_EXCEEDED")
        .satisfies(e -> assertThat(((ProviderFailureException) e).isUserError()).isTrue());
    cloud.sim.clearFaults();
    String ip = ip(provider.ensure(spec));
    assertThat(rule(UpstreamNames.loadBalancerName(spec.service())).path("IPAddress").asText()).isEqualTo(ip);
    provider.ensureDeleted(spec.service());
    assertThat(cloud.loadBalancingResources()).isEmpty();
  }

  private com.fasterxml.jackson.databind.JsonNode rule(String name) {
    return cloud.sim.resource(path("forwardingRules", name));
  }

  private static String path(String collection, String name) {
    return "projects/" + SimCloud.PROJECT + "/regions/" + SimCloud.REGION + "/" + collection + "/" + name;
  }
}
