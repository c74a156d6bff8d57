package dev.fairlead.lb.azure.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.azure.AzureProviderFactory;
import dev.fairlead.lb.tck.Specs;
import dev.fairlead.sim.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ARM requests the provider makes, counted by the simulator's recorder (polls included), for
 * the scenarios of issue 11 and DESIGN.md's performance table.
 */
class ApiEconomyIT {
  AzureSim azure;

  @BeforeEach
  void start() {
    azure = AzureSim.start();
  }

  @AfterEach
  void stop() {
    azure.close();
  }

  static Specs specs(String prefix, int nodes) {
    return new Specs(prefix, AzureSim.nodes(nodes), new AzureProviderFactory().capabilities());
  }

  static LoadBalancerSpec twoPorts(Specs specs) {
    return specs.forNewService().ports(Specs.port(Protocol.TCP, 80), Specs.port(Protocol.TCP, 443)).build();
  }

  static List<RecordedRequest> writes(List<RecordedRequest> requests) {
    return requests.stream().filter(r -> !r.method().equals("GET")).toList();
  }

  static String describe(List<RecordedRequest> requests) {
    StringBuilder b = new StringBuilder();
    requests.forEach(r -> b.append("\n  ").append(r.method()).append(' ').append(r.path().replaceAll(
        "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Network", "")).append(" -> ").append(r.status()));
    return b.toString();
  }

  @Test
  void creatingOneServiceWithTwoPortsAndThreeNodesTakesAtMostSevenRequestsPollsIncluded() {
    // Operations take 0.5 s, so every write is one PUT and one poll of its Azure-AsyncOperation.
    azure.sim.setOperationLatency(Duration.ofMillis(500));
    try (LoadBalancerProvider provider = azure.provider("econ")) {
      List<RecordedRequest> startup = azure.requests();
      azure.resetRecorder();

      LoadBalancerSpec created = twoPorts(specs("create-", 3));
      LoadBalancerStatus status = provider.ensure(created);

      List<RecordedRequest> requests = azure.requests();
      System.out.println("create, 2 ports, 3 nodes: " + requests.size() + " requests" + describe(requests)
          + "\nstart-up reads (once per controller start): " + startup.size() + describe(startup));
      assertThat(status.ingress()).hasSize(1);
      assertThat(requests).as(describe(requests)).hasSizeLessThanOrEqualTo(7);
      assertThat(requests.stream().filter(r -> r.path().contains("/operations/"))).as("polls").isNotEmpty();
      assertThat(startup).as("start-up reads" + describe(startup)).hasSizeLessThanOrEqualTo(3);

      azure.resetRecorder();
      provider.ensureDeleted(created.service());
      List<RecordedRequest> delete = azure.requests();
      System.out.println("delete of that Service: " + delete.size() + " requests" + describe(delete));
      assertThat(writes(delete)).as(describe(delete)).hasSize(3); // the load balancer, the public IP, the NSG
    }
  }

  @Test
  void aRestartWithFiftyUnchangedServicesTakesAtMostFiveRequestsAndANodeJoinAtMostTwoWrites() throws Exception {
    Specs specs = specs("restart-", 3);
    Map<ServiceKey, LoadBalancerStatus> published = new HashMap<>();
    List<LoadBalancerSpec> services = new ArrayList<>();
    try (LoadBalancerProvider first = azure.provider("econ")) {
      for (LoadBalancerSpec spec : concurrently(50, i -> twoPorts(specs), first)) {
        services.add(spec);
      }
      for (LoadBalancerSpec spec : services) {
        published.put(spec.service(), first.ensure(spec));
      }
    }
    azure.resetRecorder();

    try (LoadBalancerProvider restarted = new AzureProviderFactory().create(azure.context("econ"))) {
      restarted.recover(published);
      for (LoadBalancerSpec spec : services) {
        assertThat(restarted.ensure(spec)).isEqualTo(published.get(spec.service()));
      }
      List<RecordedRequest> restart = azure.requests();
      System.out.println("restart, 50 unchanged Services: " + restart.size() + " requests" + describe(restart));
      assertThat(restart).as(describe(restart)).hasSizeLessThanOrEqualTo(5);
      assertThat(writes(restart)).isEmpty();

      azure.resetRecorder();
      List<dev.fairlead.lb.api.BackendNode> four = AzureSim.nodes(4);
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> done = new ArrayList<>();
        for (LoadBalancerSpec spec : services) {
          done.add(threads.submit(() -> restarted.updateBackends(spec.withBackends(four))));
        }
        for (Future<?> f : done) {
          f.get();
        }
      }
      List<RecordedRequest> join = azure.requests();
      System.out.println("node joins, 50 Services: " + join.size() + " requests, " + writes(join).size()
          + " writes" + describe(join));
      assertThat(writes(join)).as(describe(join)).hasSizeLessThanOrEqualTo(2).isNotEmpty();
      assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/econ").at(
          "/properties/backendAddressPools/0/properties/loadBalancerBackendAddresses")).hasSize(4);
    }
  }

  @Test
  void thirtyServicesCreatedAtOnceReachTheSharedLoadBalancerInAtMostTenWrites() throws Exception {
    azure.sim.setOperationLatency(Duration.ofMillis(300));
    try (LoadBalancerProvider provider = azure.provider("burst")) {
      azure.resetRecorder();
      Specs specs = specs("burst-", 3);
      List<LoadBalancerSpec> created = concurrently(30, i -> twoPorts(specs), provider);

      List<RecordedRequest> lbWrites = writes(azure.requests()).stream()
          .filter(r -> r.path().endsWith("/loadBalancers/burst")).toList();
      System.out.println("30 Services at once: " + lbWrites.size() + " load balancer writes, "
          + writes(azure.requests()).size() + " writes in all");
      assertThat(lbWrites).hasSizeLessThanOrEqualTo(10);
      assertThat(azure.sim.resource(AzureSim.NET + "/loadBalancers/burst")
          .at("/properties/frontendIPConfigurations")).hasSize(30);
      assertThat(created).hasSize(30);
    }
  }

  /** Ensures n new Services from n threads at once; returns their specs after checking distinct ingress. */
  static List<LoadBalancerSpec> concurrently(int n, Function<Integer, LoadBalancerSpec> spec,
      LoadBalancerProvider provider) throws Exception {
    List<LoadBalancerSpec> specs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      specs.add(spec.apply(i));
    }
    List<LoadBalancerStatus> statuses = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<LoadBalancerStatus>> pending = new ArrayList<>();
      for (LoadBalancerSpec s : specs) {
        pending.add(threads.submit(() -> provider.ensure(s)));
      }
      for (Future<LoadBalancerStatus> f : pending) {
        statuses.add(f.get());
      }
    }
    assertThat(new HashSet<>(statuses)).as("every Service has its own address").hasSize(n);
    return specs;
  }
}
