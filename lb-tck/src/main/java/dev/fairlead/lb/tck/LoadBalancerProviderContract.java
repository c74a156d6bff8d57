package dev.fairlead.lb.tck;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.LoadBalancerStatus.Ingress;
import dev.fairlead.lb.api.LoadBalancerStatus.IngressPort;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every {@link LoadBalancerProvider} must show, as JUnit 5 tests a provider's own
 * test class inherits by extending this one:
 *
 * <pre>{@code
 * class AcmeProviderConformanceTest extends LoadBalancerProviderContract {
 *   @Override protected LoadBalancerProvider createProvider(ProviderContext context) {
 *     return new AcmeProviderFactory().create(context);
 *   }
 *   @Override protected List<BackendNode> backends() { return AcmeTestNodes.two(); }
 * }
 * }</pre>
 *
 * <p>Each test opens a provider for cluster {@value #CLUSTER}, invents Services with unique names
 * through {@link Specs}, and afterwards deletes every Service it invented in every cluster it used
 * and closes every provider it opened, even when the test failed. Tests named {@code required_…}
 * must pass; {@code optional_…} tests are skipped, with the reason, when the provider's {@link
 * ProviderCapabilities} exclude the feature. Waiting is bounded by {@link #settings()}.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
public abstract class LoadBalancerProviderContract {

  /** The cluster name of the provider every test starts with. */
  public static final String CLUSTER = "tck-cluster";

  /** The second cluster name, used to check that clusters are isolated (rule lb108). */
  public static final String OTHER_CLUSTER = "tck-other";

  private static final int CONCURRENT_SERVICES = 8;

  private final List<Opened> opened = new ArrayList<>();
  private TckSettings tck;
  private Waiting waiting;
  private LoadBalancerProvider provider;
  private Specs specs;

  /** For subclasses. */
  protected LoadBalancerProviderContract() {}

  /**
   * Creates a new provider instance. Called at least once per test, and again whenever a test needs
   * a fresh instance (which must see what earlier instances created, rule lb104) or another
   * cluster.
   *
   * @param context the context, from {@link #context(String)}
   * @return a new provider; the kit closes it
   */
  protected abstract LoadBalancerProvider createProvider(ProviderContext context);

  /**
   * The context for a cluster. Override to pass settings or host services.
   *
   * @param clusterName {@value #CLUSTER} or {@value #OTHER_CLUSTER}
   * @return by default, the cluster name with empty settings
   */
  protected ProviderContext context(String clusterName) {
    return ProviderContext.of(clusterName, ProviderSettings.empty());
  }

  /**
   * Nodes the provider can forward to.
   *
   * @return at least two nodes
   */
  protected abstract List<BackendNode> backends();

  /**
   * How long to wait and how to name things.
   *
   * @return by default {@link TckSettings#defaults()}, suited to in-process and emulated providers
   */
  protected TckSettings settings() {
    return TckSettings.defaults();
  }

  @BeforeEach
  final void tckSetUp() {
    tck = settings();
    waiting = new Waiting(tck);
    List<BackendNode> nodes = backends();
    assertThat(nodes)
        .as("backends() must return at least two nodes")
        .hasSizeGreaterThanOrEqualTo(2);
    provider = openProvider(CLUSTER);
    specs = new Specs(tck.namePrefix(), nodes, provider.capabilities());
  }

  @AfterEach
  final void tckTearDown() {
    List<Throwable> failures = new ArrayList<>();
    Set<String> cleaned = new HashSet<>();
    List<ServiceKey> created = specs == null ? List.of() : specs.recorded();
    for (Opened open : opened) {
      // One instance per cluster is enough: deletion must not depend on the instance (lb104).
      if (!cleaned.add(open.clusterName())) {
        continue;
      }
      for (ServiceKey key : created) {
        try {
          waiting.retryingLater("clean-up ensureDeleted(" + key + ")", () -> delete(open, key));
        } catch (RuntimeException | AssertionError e) {
          failures.add(e);
        }
      }
    }
    for (Opened open : opened) {
      try {
        open.provider().close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    opened.clear();
    if (!failures.isEmpty()) {
      AssertionError error =
          new AssertionError(
              "clean-up failed, load balancers named "
                  + tck.namePrefix()
                  + "* may have leaked: "
                  + failures.getFirst().getMessage());
      failures.forEach(error::addSuppressed);
      throw error;
    }
  }

  /**
   * The provider for {@value #CLUSTER} that the current test started with.
   *
   * @return the provider
   */
  protected final LoadBalancerProvider provider() {
    return provider;
  }

  /**
   * The spec helper of the current test; Services it invents are deleted after the test.
   *
   * @return the helper
   */
  protected final Specs specs() {
    return specs;
  }

  /**
   * Opens another provider instance, recovered with nothing published, as the controller does at
   * start-up. The kit closes it after the test.
   *
   * @param clusterName the cluster
   * @return the new instance
   */
  protected final LoadBalancerProvider openProvider(String clusterName) {
    return openProvider(clusterName, Map.of());
  }

  /**
   * Opens another provider instance and hands it the published statuses, as a restarted controller
   * does. The kit closes it after the test.
   *
   * @param clusterName the cluster
   * @param published what the controller found in Service status
   * @return the new instance
   */
  protected final LoadBalancerProvider openProvider(
      String clusterName, Map<ServiceKey, LoadBalancerStatus> published) {
    LoadBalancerProvider created = createProvider(context(clusterName));
    assertThat(created).as("createProvider must return a provider").isNotNull();
    opened.add(new Opened(clusterName, created));
    created.recover(published);
    return created;
  }

  /**
   * Ensures with the test's provider, retrying while it answers {@code RetryLaterException}.
   *
   * @param spec the spec
   * @return the status
   */
  protected final LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    return ensure(provider, spec);
  }

  /**
   * Ensures with a given provider, retrying while it answers {@code RetryLaterException}.
   *
   * @param target the provider
   * @param spec the spec
   * @return the status
   */
  protected final LoadBalancerStatus ensure(LoadBalancerProvider target, LoadBalancerSpec spec) {
    return waiting.retryingLater("ensure(" + spec.service() + ")", () -> target.ensure(spec));
  }

  /**
   * Runs an assertion until it passes or {@link TckSettings#convergenceTimeout()} runs out.
   * Assertion errors and {@code LoadBalancerException}s count as "not yet".
   *
   * @param description what is expected, cited in the failure
   * @param assertion the check
   */
  protected final void eventually(String description, Runnable assertion) {
    waiting.eventually(description, assertion);
  }

  /**
   * Waits until {@code find} returns exactly {@code expected}.
   *
   * @param rule the rule and expectation, cited in the failure
   * @param target the provider to ask
   * @param service the Service
   * @param expected the status
   */
  protected final void eventuallyFinds(
      String rule, LoadBalancerProvider target, ServiceKey service, LoadBalancerStatus expected) {
    eventually(rule, () -> assertThat(target.find(service)).hasValue(expected));
  }

  /** {@code ensure} reports where clients connect. */
  @Test
  public void required_lb101_ensureReportsAtLeastOneIngress() {
    LoadBalancerStatus status = ensure(specs.newSpec());

    assertThat(status).as("lb101: ensure must return a status").isNotNull();
    assertThat(status.ingress()).as("lb101: ensure must report at least one ingress").isNotEmpty();
  }

  /** Repeating {@code ensure} with the same spec changes nothing. */
  @Test
  public void required_lb102_ensureIsIdempotent() {
    LoadBalancerSpec spec = specs.newSpec();

    LoadBalancerStatus first = ensure(spec);
    LoadBalancerStatus second = ensure(spec);

    assertThat(second)
        .as("lb102: a second ensure with the same spec must return an equal status")
        .isEqualTo(first);
    eventuallyFinds(
        "lb102: find must return the status of both ensures", provider, key(spec), first);
  }

  /** {@code find} reports exactly what exists and changes nothing. */
  @Test
  public void required_lb103_findSeesOnlyWhatExists() {
    LoadBalancerSpec spec = specs.newSpec();

    assertThat(provider.find(key(spec))).as("lb103: find before ensure must be empty").isEmpty();
    assertThat(provider.find(key(spec))).as("lb103: find must not create anything").isEmpty();
    LoadBalancerStatus status = ensure(spec);

    eventuallyFinds(
        "lb103: find after ensure must return ensure's status", provider, key(spec), status);
  }

  /**
   * A new instance, as after a controller restart, finds and keeps what an earlier one created.
   * Like the controller, the kit first hands the new instance the published status through {@link
   * LoadBalancerProvider#recover}; everything else must come from the infrastructure.
   */
  @Test
  public void required_lb104_freshInstanceFindsExistingLoadBalancer() {
    LoadBalancerSpec spec = specs.newSpec();
    LoadBalancerStatus status = ensure(spec);

    LoadBalancerProvider fresh = openProvider(CLUSTER, Map.of(key(spec), status));

    eventuallyFinds(
        "lb104: a fresh provider instance must find the load balancer an earlier instance created",
        fresh,
        key(spec),
        status);
    assertThat(ensure(fresh, spec))
        .as("lb104: ensure on a fresh provider instance must return the same status")
        .isEqualTo(status);
  }

  /** {@code ensureDeleted} removes everything, for every instance, and may be repeated. */
  @Test
  public void required_lb105_ensureDeletedRemovesEverythingAndIsIdempotent() {
    LoadBalancerSpec spec = specs.newSpec();
    ensure(spec);

    deleteWith(provider, key(spec));

    assertThat(provider.find(key(spec)))
        .as("lb105: find must be empty once ensureDeleted has returned")
        .isEmpty();
    LoadBalancerProvider fresh = openProvider(CLUSTER);
    assertThat(fresh.find(key(spec)))
        .as("lb105: a fresh provider instance must not find a deleted load balancer")
        .isEmpty();
    deleteWith(provider, key(spec));
    assertThat(provider.find(key(spec)))
        .as("lb105: a second ensureDeleted must succeed and leave nothing")
        .isEmpty();
  }

  /** Deleting a Service that never had a load balancer succeeds and touches nothing else. */
  @Test
  public void required_lb106_ensureDeletedOfUnknownServiceIsNoop() {
    LoadBalancerSpec existing = specs.newSpec();
    LoadBalancerStatus status = ensure(existing);
    ServiceKey unknown = specs.uniqueService();

    deleteWith(provider, unknown);

    assertThat(provider.find(unknown))
        .as("lb106: ensureDeleted of an unknown Service must not create anything")
        .isEmpty();
    eventuallyFinds(
        "lb106: ensureDeleted of an unknown Service must leave other load balancers intact",
        provider,
        key(existing),
        status);
  }

  /** Changing or deleting one Service's load balancer leaves another's intact. */
  @Test
  public void required_lb107_servicesAreIsolated() {
    LoadBalancerSpec one = specs.newSpec();
    LoadBalancerSpec other = specs.newSpec();
    ensure(one);
    LoadBalancerStatus otherStatus = ensure(other);

    ensure(specs.forService(key(one)).ports(Specs.port(specs.protocol(), 443)).build());
    eventuallyFinds(
        "lb107: changing the ports of one Service must leave another's load balancer unchanged",
        provider,
        key(other),
        otherStatus);

    deleteWith(provider, key(one));
    assertThat(provider.find(key(one)))
        .as("lb107: the deleted Service's load balancer must be gone")
        .isEmpty();
    eventuallyFinds(
        "lb107: deleting one Service must leave another's load balancer intact",
        provider,
        key(other),
        otherStatus);
    assertThat(ensure(other))
        .as("lb107: ensure of the remaining Service must still return its status")
        .isEqualTo(otherStatus);
  }

  /** The same Service key in two clusters names two independent load balancers. */
  @Test
  public void required_lb108_clustersAreIsolated() {
    LoadBalancerSpec spec = specs.newSpec();
    LoadBalancerProvider other = openProvider(OTHER_CLUSTER);

    assertThat(other.find(key(spec)))
        .as("lb108: find in %s must be empty before anything was created", OTHER_CLUSTER)
        .isEmpty();
    LoadBalancerStatus status = ensure(spec);
    assertThat(other.find(key(spec)))
        .as("lb108: a load balancer created in %s must not be found in %s", CLUSTER, OTHER_CLUSTER)
        .isEmpty();

    ensure(other, spec);
    deleteWith(other, key(spec));

    assertThat(other.find(key(spec)))
        .as("lb108: find in %s must be empty after ensureDeleted there", OTHER_CLUSTER)
        .isEmpty();
    eventuallyFinds(
        "lb108: deleting in " + OTHER_CLUSTER + " must leave the load balancer in " + CLUSTER,
        provider,
        key(spec),
        status);
  }

  /** Changing only the backends never moves the ingress. */
  @Test
  public void required_lb109_updateBackendsKeepsIngressStable() {
    LoadBalancerSpec spec = specs.newSpec();
    LoadBalancerStatus status = ensure(spec);
    List<BackendNode> all = spec.backends();
    LoadBalancerSpec fewer = spec.withBackends(all.subList(0, all.size() - 1));

    waiting.retryingLater("updateBackends", () -> updateBackends(fewer));
    eventuallyFinds(
        "lb109: the ingress must not change when a backend is dropped",
        provider,
        key(spec),
        status);
    waiting.retryingLater("updateBackends", () -> updateBackends(spec));
    eventuallyFinds(
        "lb109: the ingress must not change when a backend is added", provider, key(spec), status);
    assertThat(ensure(spec))
        .as("lb109: ensure after updateBackends must return the original status")
        .isEqualTo(status);
  }

  /**
   * A spec outside the capabilities fails with {@link UnsupportedFeatureException} and leaves
   * nothing behind.
   */
  @Test
  public void required_lb110_unsupportedFeatureFailsBeforeAnySideEffect() {
    Optional<CapabilityGap> gap = CapabilityGap.first(provider.capabilities(), specs, tck);
    assumeTrue(
        gap.isPresent(),
        "lb110 cannot be checked: the capabilities include every protocol, mixed protocols, source"
            + " ranges, requested addresses, the Local policy and both IP families");
    LoadBalancerSpec spec = gap.get().spec();

    Throwable thrown = catchThrowable(() -> provider.ensure(spec));

    assertThat(thrown)
        .as(
            "lb110: ensure of a spec asking for %s, which the capabilities exclude, must fail"
                + " with UnsupportedFeatureException",
            gap.get().description())
        .isInstanceOf(UnsupportedFeatureException.class);
    assertThat(thrown.getMessage())
        .as("lb110: the message is shown to users, so it must say what is unsupported")
        .isNotBlank();
    assertThat(provider.find(key(spec)))
        .as("lb110: a rejected spec (%s) must leave nothing behind", gap.get().description())
        .isEmpty();
  }

  /** A new port set converges and is served exactly. */
  @Test
  public void required_lb111_portChangeConverges() {
    LoadBalancerSpec before = specs.newSpec();
    ensure(before);
    LoadBalancerSpec after =
        specs
            .forService(key(before))
            .ports(Specs.port(specs.protocol(), 443), Specs.port(specs.protocol(), 8443))
            .build();

    LoadBalancerStatus status = ensure(after);

    assertThat(status.ingress())
        .as("lb111: ensure with new ports must report an ingress")
        .isNotEmpty();
    assertServesExactly("lb111", status, after);
    eventuallyFinds(
        "lb111: find must return the status for the new ports", provider, key(after), status);
    assertThat(ensure(after))
        .as("lb111: ensure must stay idempotent after a port change")
        .isEqualTo(status);
  }

  /** UDP ports are served, if the provider advertises UDP. */
  @Test
  public void optional_lb201_udpPortsAreServed() {
    assumeTrue(
        provider.capabilities().protocols().contains(Protocol.UDP),
        "lb201 skipped: capabilities().protocols() does not include UDP");
    LoadBalancerSpec spec = specs.forNewService().ports(Specs.port(Protocol.UDP, 53)).build();

    assertConverges("lb201", spec);
  }

  /** TCP and UDP on one load balancer, if the provider advertises mixed protocols. */
  @Test
  public void optional_lb202_mixedProtocolsAreServed() {
    ProviderCapabilities capabilities = provider.capabilities();
    assumeTrue(
        capabilities.mixedProtocols(), "lb202 skipped: capabilities().mixedProtocols() is false");
    assumeTrue(
        capabilities.protocols().containsAll(Set.of(Protocol.TCP, Protocol.UDP)),
        "lb202 skipped: capabilities().protocols() does not include both TCP and UDP");
    LoadBalancerSpec spec =
        specs
            .forNewService()
            .ports(Specs.port(Protocol.TCP, 53), Specs.port(Protocol.UDP, 53))
            .build();

    assertConverges("lb202", spec);
  }

  /** {@code loadBalancerSourceRanges} are accepted, if the provider advertises them. */
  @Test
  public void optional_lb203_sourceRangesAreAccepted() {
    assumeTrue(
        provider.capabilities().sourceRanges(),
        "lb203 skipped: capabilities().sourceRanges() is false");
    LoadBalancerSpec spec =
        specs.forNewService().sourceRanges(Cidr.parse("203.0.113.0/24")).build();

    assertConverges("lb203", spec);
  }

  /**
   * A requested address is the one published, if the provider advertises requested addresses and
   * the settings name one it can hand out.
   */
  @Test
  public void optional_lb204_requestedAddressIsHonoured() {
    ProviderCapabilities capabilities = provider.capabilities();
    assumeTrue(
        capabilities.requestedAddresses(),
        "lb204 skipped: capabilities().requestedAddresses() is false");
    assumeTrue(
        tck.requestableAddress().isPresent(),
        "lb204 skipped: TckSettings.requestableAddress() is empty; override settings() with an"
            + " address the provider can hand out");
    InetAddress address = tck.requestableAddress().orElseThrow();
    assumeTrue(
        capabilities.ipFamilies().contains(IpFamily.of(address)),
        "lb204 skipped: the requestable address's family is not in capabilities().ipFamilies()");
    LoadBalancerSpec spec = specs.forNewService().requestedAddresses(address).build();

    LoadBalancerStatus status = assertConverges("lb204", spec);

    assertThat(
            status.ingress().stream()
                .filter(LoadBalancerStatus.Ip.class::isInstance)
                .map(ingress -> ((LoadBalancerStatus.Ip) ingress).address()))
        .as("lb204: the status must contain the requested address %s", address.getHostAddress())
        .contains(address);
  }

  /** {@code externalTrafficPolicy: Local} is accepted, if the provider advertises it. */
  @Test
  public void optional_lb205_localTrafficPolicyIsAccepted() {
    assumeTrue(
        provider.capabilities().localTrafficPolicy(),
        "lb205 skipped: capabilities().localTrafficPolicy() is false");
    LoadBalancerSpec spec =
        specs.forNewService().trafficPolicy(new TrafficPolicy.Local(32123)).build();

    assertConverges("lb205", spec);
  }

  /**
   * Ensures of different Services from many threads at once all succeed with their own ingress, as
   * the controller calls providers from many virtual threads.
   *
   * @throws InterruptedException if the test thread is interrupted while waiting
   */
  @Test
  public void optional_lb206_concurrentEnsuresOfDifferentServicesSucceed()
      throws InterruptedException {
    List<LoadBalancerSpec> batch =
        IntStream.range(0, CONCURRENT_SERVICES).mapToObj(i -> specs.newSpec()).toList();
    long timeoutMillis = tck.convergenceTimeout().toMillis();
    CyclicBarrier start = new CyclicBarrier(batch.size());
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    List<LoadBalancerStatus> statuses = new ArrayList<>();
    try {
      List<Future<LoadBalancerStatus>> pending = new ArrayList<>();
      for (LoadBalancerSpec spec : batch) {
        pending.add(
            threads.submit(
                () -> {
                  start.await(timeoutMillis, TimeUnit.MILLISECONDS);
                  return ensure(spec);
                }));
      }
      for (int i = 0; i < pending.size(); i++) {
        statuses.add(awaitEnsure(pending.get(i), batch.get(i), 2 * timeoutMillis));
      }
    } finally {
      threads.shutdownNow();
    }

    Map<Ingress, ServiceKey> owners = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      ServiceKey service = key(batch.get(i));
      assertThat(statuses.get(i).ingress())
          .as("lb206: concurrent ensure of %s must report an ingress", service)
          .isNotEmpty();
      for (Ingress ingress : statuses.get(i).ingress()) {
        ServiceKey previous = owners.putIfAbsent(ingress, service);
        assertThat(previous)
            .as("lb206: %s was reported for both %s and %s", ingress, previous, service)
            .isNull();
      }
    }
  }

  private LoadBalancerStatus awaitEnsure(
      Future<LoadBalancerStatus> pending, LoadBalancerSpec spec, long timeoutMillis)
      throws InterruptedException {
    try {
      return pending.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(
          "lb206: concurrent ensure of " + key(spec) + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(
          "lb206: concurrent ensure of " + key(spec) + " took more than " + timeoutMillis + " ms",
          e);
    }
  }

  // Shared by the optional tests: the feature is accepted, served, found and idempotent.
  private LoadBalancerStatus assertConverges(String rule, LoadBalancerSpec spec) {
    LoadBalancerStatus status = ensure(spec);
    assertThat(status.ingress()).as("%s: ensure must report an ingress", rule).isNotEmpty();
    assertServesExactly(rule, status, spec);
    eventuallyFinds(rule + ": find must return ensure's status", provider, key(spec), status);
    assertThat(ensure(spec)).as("%s: ensure must be idempotent", rule).isEqualTo(status);
    return status;
  }

  // Ingress entries that list their ports must list exactly the spec's.
  private static void assertServesExactly(
      String rule, LoadBalancerStatus status, LoadBalancerSpec spec) {
    Set<IngressPort> wanted =
        spec.ports().stream()
            .map(port -> new IngressPort(port.port(), port.protocol()))
            .collect(Collectors.toSet());
    for (Ingress ingress : status.ingress()) {
      if (!ingress.ports().isEmpty()) {
        assertThat(Set.copyOf(ingress.ports()))
            .as("%s: ingress %s must serve exactly the spec's ports", rule, ingress)
            .isEqualTo(wanted);
      }
    }
  }

  private Void updateBackends(LoadBalancerSpec spec) {
    provider.updateBackends(spec);
    return null;
  }

  private void deleteWith(LoadBalancerProvider target, ServiceKey service) {
    waiting.retryingLater(
        "ensureDeleted(" + service + ")",
        () -> {
          target.ensureDeleted(service);
          return null;
        });
  }

  private static Void delete(Opened open, ServiceKey service) {
    open.provider().ensureDeleted(service);
    return null;
  }

  private static ServiceKey key(LoadBalancerSpec spec) {
    return spec.service();
  }

  private record Opened(String clusterName, LoadBalancerProvider provider) {}
}
