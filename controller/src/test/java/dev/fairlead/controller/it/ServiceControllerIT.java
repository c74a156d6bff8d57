package dev.fairlead.controller.it;

import static dev.fairlead.kube.fake.KubeFixtures.loadBalancer;
import static dev.fairlead.kube.fake.KubeFixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import dev.fairlead.kube.vocabulary.ServiceEligibility;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.tck.memory.InMemoryCloud;
import dev.fairlead.lb.tck.memory.InMemoryProviderFactory;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's contract with users, end to end: a real {@code ControllerRuntime} against the
 * fabric8 mock API server in CRUD mode, with the in-memory reference provider as the test double.
 */
class ServiceControllerIT {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final String NS = "shop";
  static final String FINALIZER = ServiceEligibility.DEFAULT_FINALIZER;

  FakeApiServer cluster;
  InMemoryCloud cloud;
  ControllerHarness controller;

  @BeforeEach
  void setUp() {
    cluster = FakeApiServer.start();
    cloud = new InMemoryCloud();
    cluster.client().nodes().resource(node("node-1", 1)).create();
    cluster.client().nodes().resource(node("node-2", 2)).create();
  }

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.close();
    }
    cluster.close();
  }

  void startController() {
    controller = InMemoryController.start(cluster.client(), cloud, InMemoryController.fastSettings("it-1"));
  }

  Service create(Service service) {
    return cluster.client().services().resource(service).create();
  }

  Service awaitIngress(String name) {
    return await().atMost(WAIT).until(() -> cluster.service(NS, name),
        s -> s != null && s.getStatus() != null && s.getStatus().getLoadBalancer() != null
            && s.getStatus().getLoadBalancer().getIngress() != null
            && !s.getStatus().getLoadBalancer().getIngress().isEmpty());
  }

  void awaitReasons(String name, String... reasons) {
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(cluster.reasons(NS, name)).contains(reasons));
  }

  @Test
  void createAddsFinalizerThenPublishesStatusAndEvents() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));

    Service web = awaitIngress("web");
    assertThat(web.getMetadata().getFinalizers()).containsExactly(FINALIZER);
    String ip = web.getStatus().getLoadBalancer().getIngress().get(0).getIp();
    assertThat(ip).startsWith("192.0.2.");
    assertThat(web.getStatus().getLoadBalancer().getIngress().get(0).getIpMode()).isEqualTo("VIP");
    awaitReasons("web", "EnsuringLoadBalancer", "EnsuredLoadBalancer");
    assertThat(cloud.count("ensure")).isEqualTo(1);
    var stored = cloud.loadBalancers(InMemoryController.CLUSTER);
    assertThat(stored).hasSize(1);
    var spec = stored.values().iterator().next().spec();
    assertThat(spec.backends()).extracting(b -> b.name()).containsExactly("node-1", "node-2");
    assertThat(spec.ports()).singleElement().satisfies(p -> {
      assertThat(p.port()).isEqualTo(80);
      assertThat(p.nodePort()).isEqualTo(30080);
    });
  }

  @Test
  void portChangeEnsuresAgainAndKeepsTheAddress() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));
    String ip = awaitIngress("web").getStatus().getLoadBalancer().getIngress().get(0).getIp();

    Edits.editService(cluster.client(), NS, "web", s -> {
      s.getSpec().getPorts().get(0).setPort(8080);
      return s;
    });

    await().atMost(WAIT).until(() -> cloud.count("ensure") == 2);
    var spec = cloud.loadBalancers(InMemoryController.CLUSTER).values().iterator().next().spec();
    assertThat(spec.ports().get(0).port()).isEqualTo(8080);
    assertThat(cluster.service(NS, "web").getStatus().getLoadBalancer().getIngress().get(0).getIp())
        .isEqualTo(ip);
  }

  @Test
  void nodeChangesUpdateBackendsOnlyWhenTheBackendSetChanges() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));
    create(loadBalancer(NS, "api", 443, 30443));
    Service internal = loadBalancer(NS, "internal", 80, 30081);
    internal.getSpec().setType("ClusterIP");
    create(internal);
    awaitIngress("web");
    awaitIngress("api");
    cloud.clearCalls();

    // A heartbeat-like change (conditions) changes no backend: no provider call at all.
    cluster.client().nodes().withName("node-1").edit(n -> {
      n.getStatus().setConditions(List.of(new NodeConditionBuilder().withType("Ready")
          .withStatus("False").build()));
      return n;
    });
    // A node joins: both LoadBalancer Services get updateBackends, nothing else.
    cluster.client().nodes().resource(node("node-3", 3)).create();
    await().atMost(WAIT).until(() -> cloud.count("updateBackends") == 2);
    assertThat(backendsOf("web")).containsExactly("node-1", "node-2", "node-3");

    // Excluded by label: removed from every load balancer.
    cluster.client().nodes().withName("node-2").edit(n -> {
      n.getMetadata().getLabels().put("node.kubernetes.io/exclude-from-external-load-balancers", "true");
      return n;
    });
    await().atMost(WAIT).until(() -> cloud.count("updateBackends") == 4);
    assertThat(backendsOf("api")).containsExactly("node-1", "node-3");

    // Removed.
    cluster.client().nodes().withName("node-3").delete();
    await().atMost(WAIT).until(() -> cloud.count("updateBackends") == 6);
    assertThat(backendsOf("web")).containsExactly("node-1");

    assertThat(cloud.count("ensure")).isZero();
    assertThat(cloud.calls()).allMatch(c -> c.endsWith("/web") || c.endsWith("/api"));
    awaitReasons("web", "UpdatedLoadBalancer");
  }

  List<String> backendsOf(String name) {
    return cloud.loadBalancers(InMemoryController.CLUSTER).values().stream()
        .filter(lb -> lb.spec().service().name().equals(name))
        .findFirst().orElseThrow()
        .spec().backends().stream().map(b -> b.name()).toList();
  }

  @Test
  void typeChangedToClusterIpCleansUpClearsStatusAndRemovesFinalizer() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));
    awaitIngress("web");

    Edits.editService(cluster.client(), NS, "web", s -> {
      s.getSpec().setType("ClusterIP");
      return s;
    });

    await().atMost(WAIT).until(() -> {
      Service web = cluster.service(NS, "web");
      return web.getMetadata().getFinalizers() == null || web.getMetadata().getFinalizers().isEmpty();
    });
    Service web = cluster.service(NS, "web");
    assertThat(web.getStatus().getLoadBalancer().getIngress()).isNullOrEmpty();
    assertThat(cloud.loadBalancers(InMemoryController.CLUSTER)).isEmpty();
    awaitReasons("web", "DeletingLoadBalancer", "DeletedLoadBalancer");
  }

  @Test
  void deleteRemovesTheLoadBalancerBeforeTheFinalizer() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));
    awaitIngress("web");
    // The delete must not complete while the provider still fails.
    cloud.failNext("ensureDeleted", new ProviderFailureException("API unavailable"));

    cluster.client().services().inNamespace(NS).withName("web").delete();

    await().atMost(WAIT).until(() -> cluster.service(NS, "web") == null);
    assertThat(cloud.count("ensureDeleted")).isEqualTo(2);
    assertThat(cloud.loadBalancers(InMemoryController.CLUSTER)).isEmpty();
    assertThat(cloud.calls()).last().isEqualTo("ensureDeleted " + NS + "/web");
    awaitReasons("web", "DeleteLoadBalancerFailed", "DeletedLoadBalancer");
  }

  @Test
  void providerFailureIsRetriedWithBackoffAndAWarning() {
    cloud.failNext("ensure", new ProviderFailureException("quota exceeded"));
    cloud.failNext("ensure", new ProviderFailureException("quota exceeded"));
    startController();
    long start = System.nanoTime();
    create(loadBalancer(NS, "web", 80, 30080));

    awaitIngress("web");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(cloud.count("ensure")).isEqualTo(3);
    // Backoff 200 ms then 400 ms (test settings): the retries waited, they did not spin.
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    awaitReasons("web", "SyncLoadBalancerFailed", "EnsuredLoadBalancer");
    Event warning = cluster.events(NS, "web").stream()
        .filter(e -> e.getReason().equals("SyncLoadBalancerFailed")).findFirst().orElseThrow();
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getMessage()).contains("quota exceeded");
    // The same warning twice is one Event with count 2, not two Events.
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.events(NS, "web").stream()
        .filter(e -> e.getReason().equals("SyncLoadBalancerFailed")).toList())
        .singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2)));
  }

  @Test
  void retryLaterRequeuesAfterTheGivenDelay() {
    cloud.failNext("ensure", new RetryLaterException("still provisioning", Duration.ofMillis(700)));
    startController();
    long start = System.nanoTime();
    create(loadBalancer(NS, "web", 80, 30080));
    awaitIngress("web");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    assertThat(cloud.count("ensure")).isEqualTo(2);
  }

  @Test
  void invalidSpecsGetAWarningNamingTheFieldAndNoProviderCall() {
    startController();
    Service badRange = loadBalancer(NS, "bad-range", 80, 30080);
    badRange.getSpec().setLoadBalancerSourceRanges(List.of("203.0.113.0/24", "not-a-cidr"));
    Service badIp = loadBalancer(NS, "bad-ip", 80, 30081);
    badIp.getSpec().setLoadBalancerIP("192.0.2.300");
    Service badProtocol = loadBalancer(NS, "bad-protocol", 80, 30082);
    badProtocol.getSpec().getPorts().get(0).setProtocol("ICMP");
    create(badRange);
    create(badIp);
    create(badProtocol);
    create(loadBalancer(NS, "good", 80, 30083));

    awaitIngress("good"); // other Services are unaffected
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(warning("bad-range")).contains("spec.loadBalancerSourceRanges[1]").contains("not-a-cidr");
      assertThat(warning("bad-ip")).contains("spec.loadBalancerIP").contains("192.0.2.300");
      assertThat(warning("bad-protocol")).contains("spec.ports[0].protocol").contains("ICMP");
    });
    assertThat(cloud.calls()).containsExactly("recover 0", "ensure " + NS + "/good");
    for (String name : List.of("bad-range", "bad-ip", "bad-protocol")) {
      assertThat(cluster.service(NS, name).getMetadata().getFinalizers()).isNullOrEmpty();
    }
  }

  String warning(String name) {
    return cluster.events(NS, name).stream()
        .filter(e -> "Warning".equals(e.getType())).map(Event::getMessage)
        .findFirst().orElse("");
  }

  @Test
  void foreignLoadBalancerClassIsUntouched() {
    startController();
    Service foreign = loadBalancer(NS, "foreign", 80, 30080);
    foreign.getSpec().setLoadBalancerClass("example.com/other");
    create(foreign);
    create(loadBalancer(NS, "ours", 80, 30081));

    awaitIngress("ours");
    Service after = cluster.service(NS, "foreign");
    assertThat(after.getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(after.getStatus() == null || after.getStatus().getLoadBalancer() == null
        || after.getStatus().getLoadBalancer().getIngress() == null
        || after.getStatus().getLoadBalancer().getIngress().isEmpty()).isTrue();
    assertThat(cloud.calls()).noneMatch(c -> c.contains("foreign"));
    assertThat(cluster.events(NS, "foreign")).isEmpty();
  }

  @Test
  void classModeServesOnlyItsClassUnderItsOwnFinalizer() {
    ControllerSettings base = InMemoryController.fastSettings("it-class");
    ControllerSettings classed = new ControllerSettings(base.providerName(), base.clusterName(),
        Optional.of("fairlead.dev/inmemory"), base.concurrency(), base.providerCallsPerSecond(),
        base.backoff(), base.resyncPeriod(), base.nodeSyncDelay(), base.leaderElection(),
        base.metricsPort(), base.identity(), base.shutdownGrace());
    controller = InMemoryController.start(cluster.client(), cloud, classed);
    Service mine = loadBalancer(NS, "mine", 80, 30080);
    mine.getSpec().setLoadBalancerClass("fairlead.dev/inmemory");
    create(mine);
    create(loadBalancer(NS, "default-class", 80, 30081));

    Service published = awaitIngress("mine");
    assertThat(published.getMetadata().getFinalizers())
        .containsExactly("fairlead.dev/lb-fairlead.dev-inmemory");
    assertThat(cloud.calls()).noneMatch(c -> c.contains("default-class"));
  }

  static ControllerSettings withClass(ControllerSettings base, String loadBalancerClass) {
    return new ControllerSettings(base.providerName(), base.clusterName(),
        Optional.of(loadBalancerClass), base.concurrency(), base.providerCallsPerSecond(),
        base.backoff(), base.resyncPeriod(), base.nodeSyncDelay(), base.leaderElection(),
        base.metricsPort(), base.identity(), base.shutdownGrace());
  }

  @Test
  void controllersOfTwoClassesNeverTouchEachOthersServicesEvenAfterTheClassIsCleared() {
    InMemoryCloud cloudB = new InMemoryCloud();
    controller = InMemoryController.start(cluster.client(), cloud,
        withClass(InMemoryController.fastSettings("class-a"), "example.com/a"));
    Service a = loadBalancer(NS, "team-a", 80, 30080);
    a.getSpec().setLoadBalancerClass("example.com/a");
    create(a);
    awaitIngress("team-a");
    try (ControllerHarness b = InMemoryController.start(cluster.client(), cloudB,
        withClass(InMemoryController.fastSettings("class-b"), "example.com/b"))) {
      // Type changed away: the API server requires loadBalancerClass to be cleared with it, so
      // only the finalizer still says which controller must clean up.
      Edits.editService(cluster.client(), NS, "team-a", s -> {
        s.getSpec().setType("ClusterIP");
        s.getSpec().setLoadBalancerClass(null);
        return s;
      });
      await().atMost(WAIT).until(() -> {
        List<String> finalizers = cluster.service(NS, "team-a").getMetadata().getFinalizers();
        return finalizers == null || finalizers.isEmpty();
      });
      assertThat(cloud.count("ensureDeleted")).isEqualTo(1);
      assertThat(cloudB.calls()).containsExactly("recover 0");
    }
  }

  @Test
  void noProviderCallStartsBeforeRecoverReturned() throws Exception {
    create(loadBalancer(NS, "before", 80, 30080));
    CountDownLatch inRecover = new CountDownLatch(1);
    CountDownLatch releaseRecover = new CountDownLatch(1);
    LoadBalancerProvider inMemory = new InMemoryProviderFactory().create(new ProviderContext(
        InMemoryController.CLUSTER, ProviderSettings.empty(), Clock.systemUTC(), ApiCallListener.NONE), cloud);
    LoadBalancerProvider slowRecover = new LoadBalancerProvider() {
      @Override
      public ProviderCapabilities capabilities() {
        return inMemory.capabilities();
      }

      @Override
      public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
        inRecover.countDown();
        try {
          releaseRecover.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        inMemory.recover(published);
      }

      @Override
      public Optional<LoadBalancerStatus> find(ServiceKey service) {
        return inMemory.find(service);
      }

      @Override
      public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
        return inMemory.ensure(spec);
      }

      @Override
      public void ensureDeleted(ServiceKey service) {
        inMemory.ensureDeleted(service);
      }
    };
    CompletableFuture<ControllerHarness> starting = CompletableFuture.supplyAsync(() ->
        ControllerHarness.start(cluster.client(), slowRecover, InMemoryController.fastSettings("it-recover")));
    try {
      assertThat(inRecover.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      // Informer events while recover runs must not reach the provider before it returned.
      create(loadBalancer(NS, "during", 80, 30081));
      Edits.editService(cluster.client(), NS, "before", s -> {
        s.getSpec().getPorts().get(0).setPort(81);
        return s;
      });
      // A negative check can only pass wrongly on a slow machine, never fail wrongly.
      await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> cloud.calls().isEmpty());
    } finally {
      releaseRecover.countDown();
    }
    controller = starting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    awaitIngress("before");
    awaitIngress("during");
    assertThat(cloud.calls().getFirst()).isEqualTo("recover 0");
  }

  @Test
  void restartFindsEverythingAgainWithoutDuplicatesOrMovedAddresses() {
    startController();
    for (int i = 0; i < 5; i++) {
      create(loadBalancer(NS, "svc-" + i, 80, 30080 + i));
    }
    List<String> before = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      before.add(awaitIngress("svc-" + i).getStatus().getLoadBalancer().getIngress().get(0).getIp());
    }
    for (int restart = 0; restart < 3; restart++) {
      controller.close();
      cloud.clearCalls();
      startController();
      await().atMost(WAIT).until(() -> cloud.count("ensure") == 5);
      assertThat(cloud.calls().get(0)).isEqualTo("recover 5");
      assertThat(cloud.loadBalancers(InMemoryController.CLUSTER)).hasSize(5);
      for (int i = 0; i < 5; i++) {
        assertThat(cluster.service(NS, "svc-" + i).getStatus().getLoadBalancer().getIngress().get(0)
            .getIp()).isEqualTo(before.get(i));
      }
    }
  }

  @Test
  void quietClusterCostsNoProviderCallAcrossResyncs() {
    ControllerSettings base = InMemoryController.fastSettings("it-quiet");
    ControllerSettings resyncing = new ControllerSettings(base.providerName(), base.clusterName(),
        base.loadBalancerClass(), base.concurrency(), base.providerCallsPerSecond(), base.backoff(),
        Duration.ofMillis(200), base.nodeSyncDelay(), base.leaderElection(), base.metricsPort(),
        base.identity(), base.shutdownGrace());
    controller = InMemoryController.start(cluster.client(), cloud, resyncing);
    create(loadBalancer(NS, "web", 80, 30080));
    awaitIngress("web");
    await().atMost(WAIT).until(() -> cloud.count("ensure") == 1);
    cloud.clearCalls();
    String resourceVersion = cluster.service(NS, "web").getMetadata().getResourceVersion();

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> cloud.calls().isEmpty());
    // Nor any write to the Service.
    assertThat(cluster.service(NS, "web").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void statusRemovedByHandIsRestoredWithoutAProviderCall() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));
    String ip = awaitIngress("web").getStatus().getLoadBalancer().getIngress().get(0).getIp();
    cloud.clearCalls();

    Edits.editServiceStatus(cluster.client(), NS, "web", s -> {
      s.getStatus().getLoadBalancer().setIngress(List.of());
      return s;
    });

    await().atMost(WAIT).until(() -> ip.equals(
        Optional.ofNullable(cluster.service(NS, "web").getStatus().getLoadBalancer().getIngress())
            .filter(l -> !l.isEmpty()).map(l -> l.get(0).getIp()).orElse(null)));
    assertThat(cloud.calls()).isEmpty();
  }


  @Test
  void providerCallsAreBoundedByTheConcurrencyLimit() {
    // Long enough that all 16 are waiting while the first four run, however busy the machine.
    cloud.latency(Duration.ofMillis(600));
    startController(); // concurrency 4
    for (int i = 0; i < 16; i++) {
      create(loadBalancer(NS, "svc-" + i, 80, 30100 + i));
    }
    for (int i = 0; i < 16; i++) {
      awaitIngress("svc-" + i);
    }
    assertThat(cloud.maxConcurrentCalls()).isEqualTo(4);
  }

  @Test
  void aResolvedWarningIsFollowedByAnEventSayingTheServiceIsFineAgain() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));
    awaitIngress("web");
    Edits.editService(cluster.client(), NS, "web", s -> {
      s.getMetadata().setAnnotations(java.util.Map.of(
          dev.fairlead.kube.vocabulary.RequestedAddresses.ANNOTATION, "not-an-address"));
      return s;
    });
    awaitReasons("web", "SyncLoadBalancerFailed");
    Edits.editService(cluster.client(), NS, "web", s -> {
      s.getMetadata().setAnnotations(java.util.Map.of());
      return s;
    });
    await().atMost(WAIT).untilAsserted(() -> {
      List<Event> events = cluster.events(NS, "web");
      Event last = events.stream().max(java.util.Comparator.comparing(Event::getLastTimestamp)
          .thenComparing(e -> e.getMetadata().getName())).orElseThrow();
      assertThat(last.getType()).isEqualTo("Normal");
      assertThat(last.getMessage()).contains("the problem reported earlier is resolved");
    });
    assertThat(cloud.count("ensure")).isEqualTo(1); // nothing changed for the provider
  }

  @Test
  void aChangeToMetadataTheProviderDoesNotReadCallsNothingAndSaysNothing() {
    startController();
    create(loadBalancer(NS, "web", 80, 30080));
    awaitIngress("web");
    awaitReasons("web", "EnsuredLoadBalancer");
    cloud.clearCalls();
    // The in-memory provider reads annotations but no labels: a label change is not its concern.
    Edits.editService(cluster.client(), NS, "web", s -> {
      s.getMetadata().setLabels(java.util.Map.of("release", "2"));
      return s;
    });
    // A later change it does read shows the label change was processed first (one queue per key).
    Edits.editService(cluster.client(), NS, "web", s -> {
      s.getMetadata().setAnnotations(java.util.Map.of("example.com/x", "1"));
      return s;
    });
    await().atMost(WAIT).until(() -> cloud.count("ensure") == 1);
    // Repeats are aggregated into one Event: count its occurrences.
    await().atMost(WAIT).until(() -> cluster.events(NS, "web").stream()
        .filter(e -> e.getReason().equals("EnsuringLoadBalancer")).mapToInt(Event::getCount).sum() == 2);
    assertThat(cloud.calls()).containsExactly("ensure " + NS + "/web"); // for the annotation only
  }

  @Test
  void twoDefaultImplementationsFightingOverTheStatusAreReportedAndStop() {
    InMemoryCloud otherCloud = new InMemoryCloud();
    startController();
    ControllerHarness other = InMemoryController.start(cluster.client(), otherCloud,
        InMemoryController.fastSettings("it-other"),
        dev.fairlead.lb.api.ProviderSettings.of(java.util.Map.of("ipv4Range", "198.51.100.0/24")));
    try {
      create(loadBalancer(NS, "web", 80, 30080));
      await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.warnings("web"))
          .anyMatch(m -> m.contains("status.loadBalancer is rewritten by another writer")));
      assertThat(cluster.reasons(NS, "web")).contains("LoadBalancerStatusContested");
      // The fight stops: the number of status writes settles.
      await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).until(new java.util.concurrent.Callable<>() {
        long last = -1;

        @Override
        public Boolean call() {
          long now = cluster.requests().getOrDefault("PATCH services/status", 0L);
          boolean settled = now == last;
          last = now;
          return settled;
        }
      });
      assertThat(cluster.requests().getOrDefault("PATCH services/status", 0L)).isLessThan(20);
    } finally {
      other.close();
    }
  }

  @Test
  void aUserErrorIsOneWarningAndOneLogLineWithoutAStackTrace() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      cloud.failAlways("ensure", ProviderFailureException.userError(
          "annotation example.com/cert: certificate arn:x does not exist"));
      startController();
      create(loadBalancer(NS, "web", 80, 30080));
      // Backoff 200 ms, 400 ms, 800 ms...: wait for several retries.
      await().atMost(WAIT).until(() -> cloud.count("ensure") >= 4);
      List<ch.qos.logback.classic.spi.ILoggingEvent> lines = logs.list.stream()
          .filter(e -> e.getFormattedMessage().contains("certificate arn:x does not exist")).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).getThrowableProxy()).isNull();
      await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.events(NS, "web").stream()
          .filter(e -> e.getReason().equals("SyncLoadBalancerFailed")).toList())
          .singleElement().satisfies(e -> assertThat(e.getCount()).isGreaterThan(1)));
    } finally {
      root.detachAppender(logs);
      cloud.clearFailures();
    }
  }
}
