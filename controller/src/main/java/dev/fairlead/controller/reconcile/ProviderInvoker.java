package dev.fairlead.controller.reconcile;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BlockingBucket;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The only path from the controller to the provider. It enforces, for every Service together:
 * leadership (no call from a replica that lost its lease), a concurrency limit and a token-bucket
 * rate limit; and it records each call's outcome and latency. Kubernetes writes are deliberately
 * outside the concurrency limit, so status patches never hold up provider work.
 */
public final class ProviderInvoker {
  private final String providerName;
  private final LoadBalancerProvider provider;
  private final WriteGate gate;
  private final Semaphore concurrency;
  private final BlockingBucket rateLimit;
  private final ControllerMetrics metrics;

  /**
   * Creates the invoker.
   *
   * @param providerName the provider's name, for metrics
   * @param provider the provider
   * @param gate the leadership gate
   * @param maxConcurrentCalls provider calls allowed at once
   * @param callsPerSecond sustained provider calls per second (bursts up to the same number)
   * @param metrics where to record calls
   */
  public ProviderInvoker(
      String providerName,
      LoadBalancerProvider provider,
      WriteGate gate,
      int maxConcurrentCalls,
      int callsPerSecond,
      ControllerMetrics metrics) {
    this.providerName = Objects.requireNonNull(providerName, "providerName");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.concurrency = new Semaphore(maxConcurrentCalls, true);
    this.rateLimit =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(callsPerSecond)
                    .refillGreedy(callsPerSecond, Duration.ofSeconds(1))
                    .build())
            .build()
            .asBlocking();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Hands the published statuses to the provider once, before any other call.
   *
   * @param published the statuses found in the cluster
   */
  public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    call("recover", () -> {
      provider.recover(published);
      return null;
    });
  }

  /**
   * Calls {@link LoadBalancerProvider#ensure}.
   *
   * @param spec the spec
   * @return the status
   */
  public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    return call("ensure", () -> provider.ensure(spec));
  }

  /**
   * Calls {@link LoadBalancerProvider#updateBackends}.
   *
   * @param spec the spec with new backends
   */
  public void updateBackends(LoadBalancerSpec spec) {
    call("updateBackends", () -> {
      provider.updateBackends(spec);
      return null;
    });
  }

  /**
   * Calls {@link LoadBalancerProvider#ensureDeleted}.
   *
   * @param service the Service
   */
  public void ensureDeleted(ServiceKey service) {
    call("ensureDeleted", () -> {
      provider.ensureDeleted(service);
      return null;
    });
  }

  private <T> T call(String operation, Supplier<T> action) {
    gate.check();
    try {
      concurrency.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted while waiting to call " + operation, e);
    }
    long start = System.nanoTime();
    String result = "ok";
    try {
      rateLimit.consume(1);
      gate.check(); // leadership may have been lost while waiting
      return action.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = "Interrupted";
      throw new ProviderFailureException("interrupted while waiting to call " + operation, e);
    } catch (LoadBalancerException e) {
      result = e.getClass().getSimpleName();
      throw e;
    } catch (WriteGate.NotLeaderException e) {
      result = "NotLeader";
      throw e;
    } catch (RuntimeException e) {
      // A provider bug must not take the controller down: treat it as a retryable failure.
      result = e.getClass().getSimpleName();
      throw new ProviderFailureException(
          operation + " failed unexpectedly: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          e);
    } finally {
      concurrency.release();
      metrics.providerCall(providerName, operation, result, Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
