package dev.fairlead.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProviderInvokerTest {
  static final ServiceKey KEY = new ServiceKey("ns", "web", "uid");

  /** Counts deletes and fails as told. */
  static final class Scripted implements LoadBalancerProvider {
    final AtomicInteger deletes = new AtomicInteger();
    RuntimeException failure;

    @Override
    public ProviderCapabilities capabilities() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<LoadBalancerStatus> find(ServiceKey service) {
      return Optional.empty();
    }

    @Override
    public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void ensureDeleted(ServiceKey service) {
      deletes.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
    }
  }

  @Test
  void aClosedGateStopsTheCallBeforeItReachesTheProvider() {
    Scripted provider = new Scripted();
    WriteGate gate = new WriteGate(false);
    ProviderInvoker invoker = new ProviderInvoker("p", provider, gate, 2, 100, new ControllerMetrics());
    assertThatThrownBy(() -> invoker.ensureDeleted(KEY)).isInstanceOf(WriteGate.NotLeaderException.class);
    assertThat(provider.deletes).hasValue(0);
    gate.set(true);
    invoker.ensureDeleted(KEY);
    assertThat(provider.deletes).hasValue(1);
  }

  @Test
  void aProviderBugBecomesARetryableFailureAndSpiExceptionsPassThrough() {
    Scripted provider = new Scripted();
    ProviderInvoker invoker =
        new ProviderInvoker("p", provider, new WriteGate(true), 2, 100, new ControllerMetrics());
    provider.failure = new NullPointerException("oops");
    assertThatThrownBy(() -> invoker.ensureDeleted(KEY))
        .isInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("NullPointerException: oops");
    UnsupportedFeatureException unsupported = new UnsupportedFeatureException("no");
    provider.failure = unsupported;
    assertThatThrownBy(() -> invoker.ensureDeleted(KEY)).isSameAs(unsupported);
  }

  @Test
  void theRateLimitSpacesCallsOutAfterTheBurst() {
    Scripted provider = new Scripted();
    ProviderInvoker invoker =
        new ProviderInvoker("p", provider, new WriteGate(true), 4, 10, new ControllerMetrics());
    long start = System.nanoTime();
    for (int i = 0; i < 15; i++) { // burst of 10, then 5 more at 10/s
      invoker.ensureDeleted(KEY);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(millis).isGreaterThanOrEqualTo(400);
    assertThat(provider.deletes).hasValue(15);
  }
}
