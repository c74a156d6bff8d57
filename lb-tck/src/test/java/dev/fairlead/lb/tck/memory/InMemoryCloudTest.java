package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.fairlead.lb.tck.memory.Fixtures.ips;
import static dev.fairlead.lb.tck.memory.Fixtures.key;
import static dev.fairlead.lb.tck.memory.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class InMemoryCloudTest {

  private final InMemoryCloud cloud = new InMemoryCloud();
  private final InMemoryLoadBalancerProvider provider = Fixtures.provider(cloud, "east");

  @Nested
  class FailureInjection {

    @Test
    void failNextThrowsOnceBeforeAnySideEffect() {
      RetryLaterException busy = new RetryLaterException("busy", Duration.ofSeconds(1));
      cloud.failNext("ensure", busy);

      assertThat(catchThrowable(() -> provider.ensure(spec("web")))).isSameAs(busy);
      assertThat(cloud.loadBalancers("east")).isEmpty();
      assertThat(provider.ensure(spec("web"))).isEqualTo(ips("192.0.2.1"));
    }

    @Test
    void queuedFailuresAreThrownInOrder() {
      ProviderFailureException first = new ProviderFailureException("first");
      ProviderFailureException second = new ProviderFailureException("second");
      cloud.failNext("updateBackends", first);
      cloud.failNext("updateBackends", second);
      provider.ensure(spec("web"));

      assertThat(catchThrowable(() -> provider.updateBackends(spec("web")))).isSameAs(first);
      assertThat(catchThrowable(() -> provider.updateBackends(spec("web")))).isSameAs(second);
      provider.updateBackends(spec("web"));
    }

    @Test
    void failAlwaysThrowsUntilCleared() {
      ProviderFailureException down = new ProviderFailureException("API down");
      cloud.failAlways("find", down);

      assertThat(catchThrowable(() -> provider.find(key("web")))).isSameAs(down);
      assertThat(catchThrowable(() -> provider.find(key("web")))).isSameAs(down);
      provider.ensure(spec("web"));
      cloud.clearFailures();
      assertThat(provider.find(key("web"))).hasValue(ips("192.0.2.1"));
    }

    @Test
    void queuedFailuresComeBeforeThePermanentOne() {
      ProviderFailureException next = new ProviderFailureException("next");
      ProviderFailureException always = new ProviderFailureException("always");
      cloud.failAlways("ensure", always);
      cloud.failNext("ensure", next);

      assertThat(catchThrowable(() -> provider.ensure(spec("web")))).isSameAs(next);
      assertThat(catchThrowable(() -> provider.ensure(spec("web")))).isSameAs(always);
    }

    @Test
    void failedDeletionKeepsTheLoadBalancer() {
      provider.ensure(spec("web"));
      cloud.failNext("ensureDeleted", new ProviderFailureException("throttled"));

      assertThatThrownBy(() -> provider.ensureDeleted(key("web")))
          .isInstanceOf(ProviderFailureException.class);
      assertThat(provider.find(key("web"))).hasValue(ips("192.0.2.1"));
    }

    @Test
    void onlyProviderOperationsCanFail() {
      ProviderFailureException failure = new ProviderFailureException("x");

      assertThatIllegalArgumentException()
          .isThrownBy(() -> cloud.failNext("recover", failure))
          .withMessageContaining("recover");
      assertThatIllegalArgumentException().isThrownBy(() -> cloud.failAlways("create", failure));
    }
  }

  @Nested
  class Latency {

    @Test
    void slowsDownChangesButNotReads() {
      cloud.latency(Duration.ofMillis(200));
      long started = System.nanoTime();
      provider.ensure(spec("web"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));

      // A read under a one-minute latency still returns: reads are not slowed (a generous bound,
      // not a measurement, so a busy machine cannot make this fail).
      cloud.latency(Duration.ofMinutes(1));
      assertThat(org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
          () -> provider.find(key("web")))).isPresent();
    }

    @Test
    void interruptionEndsTheWaitWithAProviderFailure() throws InterruptedException {
      cloud.latency(Duration.ofSeconds(30));
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean stillInterrupted = new AtomicBoolean();

      Thread caller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    thrown.set(catchThrowable(() -> provider.ensure(spec("web"))));
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                  });
      caller.interrupt();

      assertThat(caller.join(Duration.ofSeconds(5))).as("the call ended").isTrue();
      assertThat(thrown.get()).isInstanceOf(ProviderFailureException.class);
      assertThat(stillInterrupted).isTrue();
      assertThat(cloud.loadBalancers("east")).isEmpty();
    }

    @Test
    void mustNotBeNegative() {
      assertThatIllegalArgumentException().isThrownBy(() -> cloud.latency(Duration.ofMillis(-1)));
    }

    @Test
    void theLatencySettingSetsTheCloudLatency() {
      LoadBalancerProvider slow = create(Map.of("latency", "150ms"));

      long started = System.nanoTime();
      slow.ensure(spec("web"));

      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }
  }

  @Nested
  class CallRecording {

    @Test
    void recordsEveryCallInOrderIncludingFailedOnes() {
      provider.recover(Map.of(key("web"), ips("192.0.2.1"), key("api"), ips("192.0.2.2")));
      provider.find(key("web"));
      provider.ensure(spec("web"));
      provider.updateBackends(spec("web"));
      cloud.failNext("ensureDeleted", new ProviderFailureException("throttled"));
      catchThrowable(() -> provider.ensureDeleted(key("web")));
      provider.ensureDeleted(key("web"));

      assertThat(cloud.calls())
          .containsExactly(
              "recover 2",
              "find default/web",
              "ensure default/web",
              "updateBackends default/web",
              "ensureDeleted default/web",
              "ensureDeleted default/web");
      assertThat(cloud.count("ensure")).isOne();
      assertThat(cloud.count("ensureDeleted")).isEqualTo(2);
      assertThat(cloud.count("recover")).isOne();
    }

    @Test
    void clearCallsForgetsTheLog() {
      provider.ensure(spec("web"));
      cloud.clearCalls();

      assertThat(cloud.calls()).isEmpty();
      assertThat(cloud.count("ensure")).isZero();
      assertThat(cloud.loadBalancers("east")).hasSize(1);
    }

    @Test
    void resetForgetsEverything() {
      provider.ensure(spec("web"));
      cloud.failAlways("ensure", new ProviderFailureException("down"));
      cloud.latency(Duration.ofSeconds(10));

      cloud.reset();

      assertThat(cloud.calls()).isEmpty();
      assertThat(cloud.loadBalancers("east")).isEmpty();
      assertThat(cloud.maxConcurrentCalls()).isZero();
      assertThat(provider.ensure(spec("api"))).as("address freed").isEqualTo(ips("192.0.2.1"));
    }

    @Test
    void reportsEachCallToTheApiCallListener() {
      List<String> reported = Collections.synchronizedList(new ArrayList<>());
      ApiCallListener listener =
          (operation, outcome, duration) -> reported.add(operation + "=" + outcome);
      LoadBalancerProvider listened =
          new InMemoryLoadBalancerProvider(
              cloud,
              "east",
              new InMemoryProviderFactory().capabilities(),
              InMemoryAddressing.defaults(),
              listener);
      cloud.failNext("find", new RetryLaterException("later", Duration.ofSeconds(1)));

      catchThrowable(() -> listened.find(key("web")));
      listened.ensure(spec("web"));

      assertThat(reported).containsExactly("find=RetryLaterException", "ensure=ok");
    }

    @Test
    void theSharedCloudIsUsedWhenNoneIsOffered() {
      LoadBalancerProvider onShared =
          new InMemoryProviderFactory()
              .create(ProviderContext.of("shared-cloud-test", ProviderSettings.empty()));
      try {
        onShared.ensure(spec("web"));

        assertThat(InMemoryCloud.shared().loadBalancers("shared-cloud-test"))
            .containsKey(key("web"));
        assertThat(cloud.loadBalancers("shared-cloud-test")).isEmpty();
      } finally {
        onShared.ensureDeleted(key("web"));
      }
    }
  }

  @Nested
  class Concurrency {

    @Test
    void sequentialCallsNeverOverlap() {
      provider.ensure(spec("web"));
      provider.find(key("web"));
      provider.ensureDeleted(key("web"));

      assertThat(cloud.maxConcurrentCalls()).isOne();
    }

    @Test
    void countsCallsInFlightAtOnce() throws Exception {
      cloud.latency(Duration.ofMillis(300));
      List<LoadBalancerSpec> specs = List.of(spec("a"), spec("b"), spec("c"), spec("d"));
      CyclicBarrier start = new CyclicBarrier(specs.size());
      List<Future<?>> calls = new ArrayList<>();

      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (LoadBalancerSpec spec : specs) {
          calls.add(
              threads.submit(
                  () -> {
                    start.await(5, TimeUnit.SECONDS);
                    return provider.ensure(spec);
                  }));
        }
        for (Future<?> call : calls) {
          call.get(10, TimeUnit.SECONDS);
        }
      }

      assertThat(cloud.maxConcurrentCalls()).isEqualTo(4);
      cloud.clearCalls();
      assertThat(cloud.maxConcurrentCalls()).as("restarted by clearCalls").isZero();
    }
  }

  @Nested
  class FactorySettings {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "ingress | dns",
          "ipv4Range | 10.0.0.0/8",
          "ipv4Range | 2001:db8::/120",
          "ipv4Range | not-a-cidr",
          "ipv6Range | 2001:db9::/112",
          "ipv6Range | 192.0.2.0/24",
          "latency | soon",
          "latency | 0s",
          "protocols | TCP,QUIC",
          "protocols | ,",
          "mixedProtocols | maybe",
          "sourceRanges | yes",
          "requestedAddresses | 1",
          "localTrafficPolicy | on",
          "colour | blue"
        })
    void invalidValuesNameTheirKey(String key, String value) {
      assertThatThrownBy(() -> create(Map.of(key, value)))
          .isInstanceOf(ProviderConfigurationException.class)
          .hasMessageContaining(key);
    }

    @Test
    void hostnamesCannotHonourRequestedAddresses() {
      assertThatThrownBy(() -> create(Map.of("ingress", "hostname", "requestedAddresses", "true")))
          .isInstanceOf(ProviderConfigurationException.class)
          .hasMessageContaining("requestedAddresses");
      assertThat(create(Map.of("ingress", "hostname")).capabilities().requestedAddresses())
          .isFalse();
    }

    @Test
    void settingsRestrictTheCapabilities() {
      LoadBalancerProvider restricted =
          create(
              Map.of(
                  "protocols", "tcp",
                  "mixedProtocols", "false",
                  "sourceRanges", "false",
                  "requestedAddresses", "false",
                  "localTrafficPolicy", "false"));

      assertThat(restricted.capabilities().protocols()).containsExactly(Protocol.TCP);
      assertThat(restricted.capabilities().mixedProtocols()).isFalse();
      assertThat(restricted.capabilities().sourceRanges()).isFalse();
      assertThat(restricted.capabilities().requestedAddresses()).isFalse();
      assertThat(restricted.capabilities().localTrafficPolicy()).isFalse();
      assertThatThrownBy(() -> restricted.ensure(Fixtures.requesting("web", "192.0.2.9")))
          .isInstanceOf(UnsupportedFeatureException.class)
          .hasMessage("requesting specific addresses is not supported");
      assertThat(cloud.loadBalancers("east")).isEmpty();
    }

    @Test
    void defaultsServeTcpAndUdpAndEveryFeature() {
      LoadBalancerProvider defaults = create(Map.of());

      assertThat(defaults.capabilities().protocols()).isEqualTo(Set.of(Protocol.TCP, Protocol.UDP));
      assertThat(defaults.capabilities().mixedProtocols()).isTrue();
      assertThat(defaults.capabilities().requestedAddresses()).isTrue();
    }

    @Test
    void otherDocumentationRangesAreAccepted() {
      LoadBalancerProvider other =
          create(Map.of("ipv4Range", "203.0.113.16/28", "ipv6Range", "2001:db8:1::/64"));

      assertThat(other.ensure(spec("web"))).isEqualTo(ips("203.0.113.17"));
    }
  }

  private LoadBalancerProvider create(Map<String, String> settings) {
    return new InMemoryProviderFactory()
        .create(
            new ProviderContext(
                "east",
                ProviderSettings.of(settings),
                Clock.systemUTC(),
                ApiCallListener.NONE),
            cloud);
  }
}
