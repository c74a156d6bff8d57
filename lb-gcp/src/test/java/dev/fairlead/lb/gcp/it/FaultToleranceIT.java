package dev.fairlead.lb.gcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.cloud.UpstreamNames;
import dev.fairlead.lb.gcp.GcpProviderFactory;
import dev.fairlead.lb.tck.Specs;
import dev.fairlead.sim.gcp.ComputeError;
import dev.fairlead.sim.proxy.Fault;
import dev.fairlead.sim.proxy.FaultProxy;
import dev.fairlead.sim.proxy.FaultRule;
import dev.fairlead.sim.proxy.ProxiedRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults between the provider and Compute, through cloud-sim's FaultProxy: throttling (429), 5xx,
 * latency, answers lost after the simulator applied the request, operations that fail or run long,
 * and a crash after every single write of a create and of a delete. Afterwards: exactly one correct
 * load balancer per Service, nothing left after deletes.
 */
class FaultToleranceIT {
  static final String CLUSTER = "faults";

  SimCloud cloud;
  FaultProxy proxy;
  List<BackendNode> nodes;
  Specs specs;
  final List<LoadBalancerProvider> opened = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    cloud = new SimCloud();
    nodes = cloud.nodes(SimCloud.PROJECT, SimCloud.ZONE, 1, 3);
    cloud.sim.operationDelay(Duration.ofMillis(20));
    proxy = FaultProxy.start(cloud.sim.endpoint(), 42);
    specs = new Specs("fault-", nodes, open(Map.of()).capabilities());
  }

  @AfterEach
  void tearDown() {
    opened.forEach(LoadBalancerProvider::close);
    proxy.close();
    cloud.close();
  }

  /** A fresh provider instance through the proxy, as after a restart. */
  LoadBalancerProvider open(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("endpoint", proxy.uri().toString());
    settings.put("maxThrottleDelay", "2s");
    LoadBalancerProvider p = new GcpProviderFactory().create(new ProviderContext(CLUSTER,
        cloud.settings(SimCloud.PROJECT, settings), Clock.systemUTC(), ApiCallListener.NONE));
    p.recover(Map.of());
    opened.add(p);
    return p;
  }

  static Fault gcpError(ComputeError error) {
    return new Fault.Reject(r -> new Fault.CannedResponse(error.status(), "application/json", error.body().toString()));
  }

  static boolean isWrite(ProxiedRequest r) {
    return !r.method().equals("GET") && !r.path().contains("/operations/") && !r.path().startsWith("/sim/");
  }

  /** Ensures until the provider stops answering RetryLater/transient failures. */
  static LoadBalancerStatus converge(LoadBalancerProvider p, LoadBalancerSpec spec) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptionsMatching(
        e -> e instanceof RetryLaterException || e instanceof ProviderFailureException).until(() -> p.ensure(spec), s -> true);
  }

  static void delete(LoadBalancerProvider p, ServiceKey service) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsMatching(e -> e instanceof LoadBalancerException).until(() -> {
          p.ensureDeleted(service);
          return true;
        });
  }

  /** Exactly one rule, pool and traffic firewall of this Service, on the published address. */
  void assertExactlyOne(ServiceKey service, LoadBalancerStatus status) {
    String lb = UpstreamNames.loadBalancerName(service);
    List<String> all = cloud.loadBalancingResources();
    assertThat(all.stream().filter(p -> p.endsWith("/forwardingRules/" + lb))).hasSize(1);
    assertThat(all.stream().filter(p -> p.endsWith("/targetPools/" + lb))).hasSize(1);
    assertThat(all.stream().filter(p -> p.endsWith("/firewalls/k8s-fw-" + lb))).hasSize(1);
    String ip = ((LoadBalancerStatus.Ip) status.ingress().getFirst()).address().getHostAddress();
    assertThat(cloud.sim.resource("projects/" + SimCloud.PROJECT + "/regions/" + SimCloud.REGION + "/forwardingRules/" + lb)
        .path("IPAddress").asText()).isEqualTo(ip);
    assertThat(cloud.sim.resource("projects/" + SimCloud.PROJECT + "/global/firewalls/k8s-fw-" + lb)
        .path("destinationRanges").toString()).contains(ip);
    assertThat(cloud.sim.resource("projects/" + SimCloud.PROJECT + "/regions/" + SimCloud.REGION + "/targetPools/" + lb)
        .path("instances")).hasSize(nodes.size());
  }

  void assertNothingOf(ServiceKey service) {
    String lb = UpstreamNames.loadBalancerName(service);
    assertThat(cloud.loadBalancingResources()).noneMatch(p -> p.contains(lb));
  }

  @Test
  void throttlingServerErrorsAndLatencyStillConverge() {
    FaultRule throttled = proxy.add(FaultRule.randomly("429", FaultRule.any(), gcpError(ComputeError.tooManyRequests()), 0.15));
    FaultRule rateLimit = proxy.add(FaultRule.randomly("403 rateLimitExceeded", FaultRule.any(),
        gcpError(ComputeError.rateLimitExceeded()), 0.05));
    FaultRule unavailable = proxy.add(FaultRule.randomly("503", r -> !r.method().equals("POST") || r.path().contains("/wait"),
        Fault.serviceUnavailable(), 0.1));
    FaultRule slow = proxy.add(FaultRule.randomly("latency", FaultRule.any(), new Fault.Delay(Duration.ofMillis(150)), 0.2));
    LoadBalancerProvider p = open(Map.of());
    List<LoadBalancerSpec> batch = List.of(specs.newSpec(), specs.newSpec(), specs.newSpec());
    Map<ServiceKey, LoadBalancerStatus> statuses = new HashMap<>();
    for (LoadBalancerSpec spec : batch) {
      statuses.put(spec.service(), converge(p, spec));
    }
    assertThat(throttled.fired() + rateLimit.fired()).as("throttling was injected").isPositive();
    assertThat(unavailable.fired() + slow.fired()).isPositive();
    proxy.clear();
    statuses.forEach(this::assertExactlyOne);
    batch.forEach(s -> delete(p, s.service()));
    assertThat(cloud.loadBalancingResources()).isEmpty();
  }

  @Test
  void answersLostAfterTheWriteWasAppliedStillGiveOneLoadBalancer() {
    FaultRule lost = proxy.add(FaultRule.times("lost insert answers",
        r -> r.method().equals("POST") && r.path().matches(".*/(targetPools|forwardingRules|firewalls|addInstance)(\\?.*)?"),
        new Fault.LoseResponse(), 3));
    LoadBalancerProvider p = open(Map.of());
    LoadBalancerSpec spec = specs.newSpec();
    LoadBalancerStatus status = converge(p, spec);
    assertThat(lost.fired()).isEqualTo(3);
    assertExactlyOne(spec.service(), status);
    assertThat(open(Map.of()).ensure(spec)).as("a fresh instance agrees").isEqualTo(status);
    delete(p, spec.service());
    assertThat(cloud.loadBalancingResources()).isEmpty();
  }

  @Test
  void failingAndSlowOperations() {
    LoadBalancerProvider p = open(Map.of("operationTimeout", "1s"));
    LoadBalancerSpec spec = specs.newSpec();
    cloud.sim.failOperations("insert", "/targetPools/", ComputeError.internal(), 1);
    assertThatThrownBy(() -> p.ensure(spec)).isInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("targetPools/" + UpstreamNames.loadBalancerName(spec.service()));
    LoadBalancerStatus status = converge(p, spec);
    assertExactlyOne(spec.service(), status);

    // An operation that outlives the provider's patience: RetryLater, then done once it finishes.
    LoadBalancerSpec second = specs.newSpec();
    cloud.sim.operationDelay(Duration.ofSeconds(3));
    cloud.sim.maxWait(Duration.ofMillis(400)); // operations.wait answers RUNNING after its limit, as the API does
    assertThatThrownBy(() -> p.ensure(second)).isInstanceOf(RetryLaterException.class).hasMessageContaining("still running");
    cloud.sim.operationDelay(Duration.ofMillis(20));
    LoadBalancerStatus secondStatus = converge(p, second);
    assertExactlyOne(second.service(), secondStatus);
    delete(p, spec.service());
    delete(p, second.service());
    assertThat(cloud.loadBalancingResources()).isEmpty();
  }

  @Test
  void aCrashAfterAnyWriteOfACreateConvergesToOneLoadBalancer() {
    for (int survived = 0; survived <= 5; survived++) {
      LoadBalancerSpec spec = specs.newSpec();
      crashAfter(survived, () -> open(Map.of()).ensure(spec));
      LoadBalancerStatus status = converge(open(Map.of()), spec);
      assertExactlyOne(spec.service(), status);
      assertThat(converge(open(Map.of()), spec)).as("stable after the crash at write %d", survived).isEqualTo(status);
    }
  }

  @Test
  void aCrashAfterAnyWriteOfADeleteLeavesNothingOnceRepeated() {
    for (int survived = 0; survived <= 6; survived++) {
      LoadBalancerSpec spec = specs.newSpec();
      converge(open(Map.of()), spec);
      crashAfter(survived, () -> open(Map.of()).ensureDeleted(spec.service()));
      LoadBalancerProvider fresh = open(Map.of());
      delete(fresh, spec.service());
      assertNothingOf(spec.service());
      assertThat(fresh.find(spec.service())).isEmpty();
    }
    assertThat(cloud.loadBalancingResources()).isEmpty();
  }

  /**
   * Lets {@code survived} writes through, loses the answer of the next one (the request in flight
   * when the process died), then refuses everything, as if the process were gone.
   */
  void crashAfter(int survived, Runnable work) {
    proxy.crashAfter(survived, FaultToleranceIT::isWrite, new Fault.Reject(r -> new Fault.CannedResponse(400,
        "application/json", ComputeError.badRequest("simulated crash").body().toString())));
    try {
      work.run();
    } catch (LoadBalancerException e) {
      // the crash
    } finally {
      proxy.clear();
    }
  }
}
