package dev.fairlead.lb.azure.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.azure.AzureProviderFactory;
import dev.fairlead.lb.azure.internal.Internals;
import dev.fairlead.lb.azure.model.Names;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.tck.Specs;
import dev.fairlead.sim.azure.ArmFaults;
import dev.fairlead.sim.proxy.Fault;
import dev.fairlead.sim.proxy.FaultProxy;
import dev.fairlead.sim.proxy.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults between the provider and the simulator (the fault proxy, on TLS with the simulator's
 * certificate) and crashes at every step of create and delete: in the end exactly one frontend
 * and one public IP per Service, and nothing after deletes.
 */
class FaultToleranceIT {
  static final String CLUSTER = "faults";
  static AzureSim azure;
  static FaultProxy proxy;
  final Specs specs = new Specs("fault-", AzureSim.nodes(3), new AzureProviderFactory().capabilities());

  @BeforeAll
  static void start() throws Exception {
    azure = AzureSim.start();
    proxy = FaultProxy.start(azure.sim.endpoint(), 42, azure.sim.sslContext());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    azure.close();
  }

  @AfterEach
  void clear() {
    proxy.clear();
    azure.sim.setOperationLatency(Duration.ZERO);
  }

  LoadBalancerProvider provider() {
    LoadBalancerProvider provider = new AzureProviderFactory().create(AzureSim.context(CLUSTER,
        azure.settings(proxy.uri(), Map.of())));
    provider.recover(Map.of());
    return provider;
  }

  LoadBalancerSpec twoPorts() {
    return specs.forNewService().ports(Specs.port(Protocol.TCP, 80), Specs.port(Protocol.UDP, 53)).build();
  }

  /** Retries like the controller: until the provider succeeds (each failure is its own attempt). */
  static <T> T retrying(Supplier<T> call) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(LoadBalancerException.class).until(call::get, result -> true);
  }

  static void deleting(LoadBalancerProvider provider, ServiceKey key) {
    retrying(() -> {
      provider.ensureDeleted(key);
      return Boolean.TRUE;
    });
  }

  @Test
  void throttlingServerErrorsLostResponsesAndSlowOperationsConvergeToExactlyOneOfEach() {
    azure.sim.setOperationLatency(Duration.ofMillis(300));
    List<FaultRule> rules = List.of(
        proxy.add(FaultRule.times("lost PIP create", ArmFaults.request("PUT", "/publicIPAddresses/"),
            new Fault.LoseResponse(), 2)),
        proxy.add(FaultRule.times("lost LB write", ArmFaults.request("PUT", "/loadBalancers/"),
            new Fault.LoseResponse(), 1)),
        proxy.add(FaultRule.times("500 on the NSG", ArmFaults.request("PUT", "/networkSecurityGroups/"),
            ArmFaults.internalError(), 2)),
        proxy.add(FaultRule.times("429 on writes", ArmFaults.request("PUT", "/"), ArmFaults.throttled(1), 2)),
        proxy.add(FaultRule.times("lost poll", ArmFaults.request("GET", "/operations/"), new Fault.LoseResponse(), 1)),
        proxy.add(FaultRule.randomly("slow polls", ArmFaults.request("GET", "/operations/"),
            new Fault.Delay(Duration.ofMillis(50)), 0.3)));
    List<LoadBalancerSpec> created = new ArrayList<>();
    try (LoadBalancerProvider provider = provider()) {
      for (int i = 0; i < 4; i++) {
        LoadBalancerSpec spec = twoPorts();
        created.add(spec);
        assertThat(retrying(() -> provider.ensure(spec)).ingress()).hasSize(1);
      }
      assertThat(rules).allSatisfy(r -> assertThat(r.fired()).as(r.toString()).isPositive());
      assertThat(Internals.throttleDelay(provider, CallKind.WRITE)).as("429 slowed the write lane").isPositive();
      assertThat(Internals.throttleDelay(provider, CallKind.READ)).as("reads were never throttled").isZero();
      created.forEach(spec -> assertExactlyOneOfEach(spec.service()));
      created.forEach(spec -> deleting(provider, spec.service()));
      created.forEach(spec -> assertNothingLeft(spec.service()));
    }
  }

  @Test
  void aSecondWriterWithAStaleETagGets412ReadsAgainAndLosesNobodysChange() {
    try (LoadBalancerProvider a = provider()) {
      LoadBalancerSpec s1 = twoPorts();
      retrying(() -> a.ensure(s1));
      LoadBalancerSpec s2 = twoPorts();
      try (LoadBalancerProvider b = provider()) {
        retrying(() -> b.ensure(s2));
      }
      azure.resetRecorder();
      LoadBalancerSpec s3 = twoPorts();

      retrying(() -> a.ensure(s3));

      assertThat(azure.requests()).anySatisfy(r -> {
        assertThat(r.method()).isEqualTo("PUT");
        assertThat(r.path()).endsWith("/loadBalancers/" + CLUSTER);
        assertThat(r.status()).isEqualTo(412);
      });
      List.of(s1, s2, s3).forEach(s -> assertExactlyOneOfEach(s.service()));
      List.of(s1, s2, s3).forEach(s -> deleting(a, s.service()));
      List.of(s1, s2, s3).forEach(s -> assertNothingLeft(s.service()));
    }
  }

  @Test
  void twoWritersCreatingAtOnceLoseNothing() throws Exception {
    List<LoadBalancerSpec> all = new ArrayList<>();
    try (LoadBalancerProvider a = provider(); LoadBalancerProvider b = provider();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<LoadBalancerStatus>> pending = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        LoadBalancerSpec spec = twoPorts();
        all.add(spec);
        LoadBalancerProvider writer = i % 2 == 0 ? a : b;
        pending.add(threads.submit(() -> retrying(() -> writer.ensure(spec))));
      }
      for (Future<LoadBalancerStatus> f : pending) {
        assertThat(f.get().ingress()).hasSize(1);
      }
      all.forEach(s -> assertExactlyOneOfEach(s.service()));
      all.forEach(s -> deleting(i(all, s) % 2 == 0 ? a : b, s.service()));
    }
    all.forEach(s -> assertNothingLeft(s.service()));
  }

  private static int i(List<LoadBalancerSpec> all, LoadBalancerSpec s) {
    return all.indexOf(s);
  }

  @Test
  void aCrashAtAnyStepOfCreateIsFinishedByTheNextInstance() {
    for (int crashAfter = 0; crashAfter <= 4; crashAfter++) {
      LoadBalancerSpec spec = twoPorts();
      crashAfter(crashAfter);
      try (LoadBalancerProvider doomed = provider()) {
        doomed.ensure(spec);
      } catch (LoadBalancerException expected) {
        // the instance "died" here
      } finally {
        proxy.clear();
      }
      try (LoadBalancerProvider next = provider()) {
        retrying(() -> next.ensure(spec));
        assertExactlyOneOfEach(spec.service());
        deleting(next, spec.service());
      }
      assertNothingLeft(spec.service());
    }
  }

  @Test
  void aCrashAtAnyStepOfDeleteIsFinishedByTheNextInstance() {
    for (int crashAfter = 0; crashAfter <= 3; crashAfter++) {
      LoadBalancerSpec spec = twoPorts();
      LoadBalancerStatus status;
      try (LoadBalancerProvider first = provider()) {
        status = retrying(() -> first.ensure(spec));
      }
      crashAfter(crashAfter);
      try (LoadBalancerProvider doomed = provider()) {
        doomed.ensureDeleted(spec.service());
      } catch (LoadBalancerException expected) {
        // died mid-delete
      } finally {
        proxy.clear();
      }
      // As the controller does after a restart: the Service's published status comes back first.
      try (LoadBalancerProvider next = new AzureProviderFactory().create(AzureSim.context(CLUSTER,
          azure.settings(proxy.uri(), Map.of())))) {
        next.recover(Map.of(spec.service(), status));
        deleting(next, spec.service());
        assertThat(next.find(spec.service())).isEmpty();
      }
      assertNothingLeft(spec.service());
    }
  }

  /** The process dies after {@code calls} more writes (reads are retried anyway). */
  private void crashAfter(int calls) {
    proxy.crashAfter(calls, r -> !r.method().equals("GET"),
        ArmFaults.error(400, "ProcessCrashed", "the controller crashed"));
  }

  private static List<JsonNode> frontendsOf(ServiceKey key) {
    List<JsonNode> out = new ArrayList<>();
    for (String lb : List.of(CLUSTER, CLUSTER + "-internal")) {
      ObjectNode doc = azure.sim.resource(AzureSim.NET + "/loadBalancers/" + lb);
      if (doc != null) {
        StreamSupport.stream(doc.at("/properties/frontendIPConfigurations").spliterator(), false)
            .filter(f -> Names.ownedBy(f.path("name").asText(), Names.owner(key))).forEach(out::add);
      }
    }
    return out;
  }

  private static List<ObjectNode> publicIpsOf(ServiceKey key) {
    return azure.sim.resources(AzureSim.SUBSCRIPTION, AzureSim.GROUP, "publicIPAddresses").stream()
        .filter(p -> key.qualifiedName().equals(p.path("tags").path(Names.SERVICE_TAG).asText())
            && CLUSTER.equals(p.path("tags").path(Names.CLUSTER_TAG).asText()))
        .toList();
  }

  private static void assertExactlyOneOfEach(ServiceKey key) {
    List<JsonNode> frontends = frontendsOf(key);
    assertThat(frontends).as("frontends of %s", key).hasSize(1);
    List<ObjectNode> pips = publicIpsOf(key);
    assertThat(pips).as("public IPs of %s", key).hasSize(1);
    assertThat(frontends.getFirst().at("/properties/publicIPAddress/id").asText())
        .isEqualToIgnoringCase(pips.getFirst().path("id").asText());
    ObjectNode lb = azure.sim.resource(AzureSim.NET + "/loadBalancers/" + CLUSTER);
    assertThat(StreamSupport.stream(lb.at("/properties/loadBalancingRules").spliterator(), false)
        .filter(r -> Names.ownedBy(r.path("name").asText(), Names.owner(key))).map(r -> r.path("name").asText()))
        .containsExactlyInAnyOrder(Names.owner(key) + "-TCP-80", Names.owner(key) + "-UDP-53");
    String ip = pips.getFirst().at("/properties/ipAddress").asText();
    assertThat(nsgDestinations()).as("the security group admits %s", ip).contains(ip);
  }

  private static void assertNothingLeft(ServiceKey key) {
    assertThat(frontendsOf(key)).as("leaked frontends of %s", key).isEmpty();
    assertThat(publicIpsOf(key)).as("leaked public IPs of %s", key).isEmpty();
  }

  private static List<String> nsgDestinations() {
    ObjectNode nsg = azure.sim.resource(AzureSim.NET + "/networkSecurityGroups/fairlead-nsg");
    List<String> out = new ArrayList<>();
    nsg.at("/properties/securityRules").forEach(r -> r.at("/properties/destinationAddressPrefixes")
        .forEach(d -> out.add(d.asText())));
    return out;
  }
}
