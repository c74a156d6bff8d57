package dev.fairlead.lb.tck;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit fails deliberately broken providers on the rule they break, with a message citing it, and
 * passes correct ones. Each contract below runs through {@link EngineTestKit}; they are nested, so
 * the build does not run them directly.
 */
class TckRejectsBrokenProvidersTest {

  @Test
  void stateOnlyInTheInstanceFailsLb104() {
    assertFailsRule(StateOnlyInInstance.class, "required_lb104_", "lb104");
  }

  @Test
  void newAddressOnEveryEnsureFailsLb102() {
    assertFailsRule(NewAddressEveryEnsure.class, "required_lb102_", "lb102");
  }

  @Test
  void deletionThatLeavesTheLoadBalancerFailsLb105() {
    assertFailsRule(DeleteLeavesLoadBalancer.class, "required_lb105_", "lb105");
  }

  @Test
  void rejectingAfterStoringFailsLb110() {
    assertFailsRule(RejectsAfterStoring.class, "required_lb110_", "lb110");
  }

  @Test
  void updateBackendsThatMovesTheIngressFailsLb109() {
    assertFailsRule(UpdateBackendsMovesIngress.class, "required_lb109_", "lb109");
  }

  @Test
  void ignoringTheClusterNameFailsLb108() {
    assertFailsRule(IgnoresClusterName.class, "required_lb108_", "lb108");
  }

  @Test
  void aMinimalCorrectProviderPassesWithTheUnadvertisedFeaturesSkipped() {
    EngineExecutionResults results = run(Correct.class.getName());

    results.testEvents().assertStatistics(stats -> stats.failed(0).aborted(5).succeeded(12));
  }

  @Test
  void theInMemoryProviderPassesEverything() {
    EngineExecutionResults results =
        run("dev.fairlead.lb.tck.memory.InMemoryProviderConformanceTest");

    results.testEvents().assertStatistics(stats -> stats.failed(0).aborted(0).succeeded(17));
  }

  private static void assertFailsRule(Class<?> contract, String testPrefix, String rule) {
    EngineExecutionResults results = run(contract.getName());
    results.containerEvents().assertStatistics(stats -> stats.failed(0));
    Map<String, Throwable> failures = new TreeMap<>();
    for (Event event : results.testEvents().failed().list()) {
      failures.put(methodName(event), failure(event));
    }

    assertThat(failures.keySet())
        .as("tests failed for %s", contract.getSimpleName())
        .anyMatch(name -> name.startsWith(testPrefix));
    failures.forEach(
        (name, failure) -> {
          if (name.startsWith(testPrefix)) {
            assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining(rule);
          }
        });
  }

  private static EngineExecutionResults run(String className) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(DiscoverySelectors.selectClass(className))
        .execute();
  }

  private static String methodName(Event event) {
    return event
        .getTestDescriptor()
        .getSource()
        .filter(MethodSource.class::isInstance)
        .map(source -> ((MethodSource) source).getMethodName())
        .orElse(event.getTestDescriptor().getDisplayName());
  }

  private static Throwable failure(Event event) {
    return event
        .getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable)
        .orElseThrow();
  }

  /** What a {@link DefectiveProvider} gets wrong. */
  enum Defect {
    NONE,
    STATE_ONLY_IN_INSTANCE,
    NEW_ADDRESS_EVERY_ENSURE,
    DELETE_LEAVES_LOAD_BALANCER,
    REJECTS_AFTER_STORING,
    UPDATE_BACKENDS_MOVES_INGRESS,
    IGNORES_CLUSTER_NAME
  }

  /** The "cloud" of the defective providers: load balancers by id, and an address counter. */
  static final class FakeInfrastructure {
    final Map<String, LoadBalancerStatus> loadBalancers = new ConcurrentHashMap<>();
    private final AtomicInteger lastAddress = new AtomicInteger();

    LoadBalancerStatus newStatus() {
      return LoadBalancerStatus.of(
          new LoadBalancerStatus.Ip(
              InetAddress.ofLiteral("198.51.100." + lastAddress.incrementAndGet())));
    }
  }

  /** A small provider, correct unless told to get one thing wrong. */
  static final class DefectiveProvider implements LoadBalancerProvider {
    static final ProviderCapabilities CAPABILITIES =
        new ProviderCapabilities(
            Set.of(Protocol.TCP), false, false, false, false, Set.of(IpFamily.IPV4));

    private final FakeInfrastructure infrastructure;
    private final String clusterName;
    private final Defect defect;

    DefectiveProvider(FakeInfrastructure infrastructure, String clusterName, Defect defect) {
      this.infrastructure = infrastructure;
      this.clusterName = clusterName;
      this.defect = defect;
    }

    @Override
    public ProviderCapabilities capabilities() {
      return CAPABILITIES;
    }

    @Override
    public Optional<LoadBalancerStatus> find(ServiceKey service) {
      return Optional.ofNullable(infrastructure.loadBalancers.get(id(service)));
    }

    @Override
    public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
      Optional<String> unsupported = CAPABILITIES.unsupportedBy(spec);
      if (unsupported.isPresent() && defect != Defect.REJECTS_AFTER_STORING) {
        throw new UnsupportedFeatureException(unsupported.get());
      }
      LoadBalancerStatus status =
          infrastructure.loadBalancers.compute(
              id(spec.service()),
              (id, existing) ->
                  existing == null || defect == Defect.NEW_ADDRESS_EVERY_ENSURE
                      ? infrastructure.newStatus()
                      : existing);
      if (unsupported.isPresent()) {
        throw new UnsupportedFeatureException(unsupported.get());
      }
      return status;
    }

    @Override
    public void updateBackends(LoadBalancerSpec spec) {
      if (defect == Defect.UPDATE_BACKENDS_MOVES_INGRESS) {
        infrastructure.loadBalancers.put(id(spec.service()), infrastructure.newStatus());
      } else {
        ensure(spec);
      }
    }

    @Override
    public void ensureDeleted(ServiceKey service) {
      if (defect != Defect.DELETE_LEAVES_LOAD_BALANCER) {
        infrastructure.loadBalancers.remove(id(service));
      }
    }

    private String id(ServiceKey service) {
      return defect == Defect.IGNORES_CLUSTER_NAME
          ? service.uid()
          : clusterName + "/" + service.uid();
    }
  }

  /** Runs the contract against a {@link DefectiveProvider}, with short waits. */
  abstract static class DefectiveProviderContract extends LoadBalancerProviderContract {
    private final FakeInfrastructure infrastructure = new FakeInfrastructure();

    abstract Defect defect();

    @Override
    protected LoadBalancerProvider createProvider(ProviderContext context) {
      FakeInfrastructure where =
          defect() == Defect.STATE_ONLY_IN_INSTANCE ? new FakeInfrastructure() : infrastructure;
      return new DefectiveProvider(where, context.clusterName(), defect());
    }

    @Override
    protected List<BackendNode> backends() {
      return TestNodes.three();
    }

    @Override
    protected TckSettings settings() {
      // Failing checks poll until the timeout; keep it short so the self-test stays fast.
      return TckSettings.defaults().withTimeouts(Duration.ofMillis(200), Duration.ofMillis(5));
    }
  }

  static class Correct extends DefectiveProviderContract {
    @Override
    Defect defect() {
      return Defect.NONE;
    }
  }

  static class StateOnlyInInstance extends DefectiveProviderContract {
    @Override
    Defect defect() {
      return Defect.STATE_ONLY_IN_INSTANCE;
    }
  }

  static class NewAddressEveryEnsure extends DefectiveProviderContract {
    @Override
    Defect defect() {
      return Defect.NEW_ADDRESS_EVERY_ENSURE;
    }
  }

  static class DeleteLeavesLoadBalancer extends DefectiveProviderContract {
    @Override
    Defect defect() {
      return Defect.DELETE_LEAVES_LOAD_BALANCER;
    }
  }

  static class RejectsAfterStoring extends DefectiveProviderContract {
    @Override
    Defect defect() {
      return Defect.REJECTS_AFTER_STORING;
    }
  }

  static class UpdateBackendsMovesIngress extends DefectiveProviderContract {
    @Override
    Defect defect() {
      return Defect.UPDATE_BACKENDS_MOVES_INGRESS;
    }
  }

  static class IgnoresClusterName extends DefectiveProviderContract {
    @Override
    Defect defect() {
      return Defect.IGNORES_CLUSTER_NAME;
    }
  }
}
