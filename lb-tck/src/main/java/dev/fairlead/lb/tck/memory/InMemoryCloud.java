package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The fake infrastructure behind {@link InMemoryLoadBalancerProvider}: the load balancers of every
 * cluster, the address pool, a log of provider calls, and knobs to inject failures and latency.
 * Providers keep no state of their own, so every instance on the same cloud sees the same load
 * balancers, as after a controller restart. Thread-safe.
 *
 * <p>The call log names each provider call as {@code "<operation> <namespace>/<name>"}, for example
 * {@code "ensure default/web"}, or {@code "recover <count>"}. The operations are {@code recover},
 * {@code find}, {@code ensure}, {@code updateBackends} and {@code ensureDeleted}.
 */
public final class InMemoryCloud {

  private static final InMemoryCloud SHARED = new InMemoryCloud();
  private static final Set<String> FAILABLE =
      Set.of("ensure", "updateBackends", "ensureDeleted", "find");
  // The operations that would change infrastructure, and so take time in a real cloud.
  private static final Set<String> SLOW = Set.of("ensure", "updateBackends", "ensureDeleted");

  // Guards every field below; provider work runs entirely under it, so each call is atomic.
  private final Object lock = new Object();
  private final Map<String, Map<String, StoredLoadBalancer>> clusters = new HashMap<>();
  private final AddressPool addresses = new AddressPool();
  private final List<String> calls = new ArrayList<>();
  private final Map<String, Deque<LoadBalancerException>> nextFailures = new HashMap<>();
  private final Map<String, LoadBalancerException> permanentFailures = new HashMap<>();
  private Duration latency = Duration.ZERO;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  /** Creates an empty cloud. */
  public InMemoryCloud() {}

  /**
   * The process-wide cloud of providers made by {@link
   * InMemoryProviderFactory#create(dev.fairlead.lb.api.ProviderContext)}.
   *
   * @return the shared cloud
   */
  public static InMemoryCloud shared() {
    return SHARED;
  }

  /**
   * The provider calls made so far, oldest first, including calls that failed.
   *
   * @return a snapshot such as {@code ["recover 0", "find ns/web", "ensure ns/web"]}
   */
  public List<String> calls() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  /**
   * How many recorded calls have an operation.
   *
   * @param operation such as {@code ensure}
   * @return the number of calls of that operation
   */
  public long count(String operation) {
    Objects.requireNonNull(operation, "operation");
    return calls().stream().filter(call -> call.startsWith(operation + " ")).count();
  }

  /**
   * Forgets the recorded calls and restarts {@link #maxConcurrentCalls()} from the calls in flight.
   */
  public void clearCalls() {
    synchronized (lock) {
      calls.clear();
      maxInFlight.set(inFlight.get());
    }
  }

  /**
   * Makes the next call of an operation throw, before any side effect. Several failures for one
   * operation are thrown in the order they were queued, and before any {@link #failAlways}.
   *
   * @param operation {@code ensure}, {@code updateBackends}, {@code ensureDeleted} or {@code find}
   * @param failure the exception to throw
   */
  public void failNext(String operation, LoadBalancerException failure) {
    requireFailable(operation);
    Objects.requireNonNull(failure, "failure");
    synchronized (lock) {
      nextFailures.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(failure);
    }
  }

  /**
   * Makes every call of an operation throw, before any side effect, until {@link #clearFailures()}.
   *
   * @param operation {@code ensure}, {@code updateBackends}, {@code ensureDeleted} or {@code find}
   * @param failure the exception to throw
   */
  public void failAlways(String operation, LoadBalancerException failure) {
    requireFailable(operation);
    Objects.requireNonNull(failure, "failure");
    synchronized (lock) {
      permanentFailures.put(operation, failure);
    }
  }

  /** Removes every injected failure, queued or permanent. */
  public void clearFailures() {
    synchronized (lock) {
      nextFailures.clear();
      permanentFailures.clear();
    }
  }

  /**
   * Makes every {@code ensure}, {@code updateBackends} and {@code ensureDeleted} wait first, like a
   * real API. The wait honours interruption: the call then fails with {@link
   * ProviderFailureException} and the thread's interrupt flag stays set.
   *
   * @param value zero or positive; zero turns it off
   */
  public void latency(Duration value) {
    Objects.requireNonNull(value, "latency");
    if (value.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, got " + value);
    }
    synchronized (lock) {
      latency = value;
    }
  }

  /**
   * The load balancers that exist in a cluster.
   *
   * @param clusterName the cluster
   * @return a snapshot, by Service
   */
  public Map<ServiceKey, StoredLoadBalancer> loadBalancers(String clusterName) {
    synchronized (lock) {
      Map<ServiceKey, StoredLoadBalancer> result = new LinkedHashMap<>();
      clusters
          .getOrDefault(clusterName, Map.of())
          .values()
          .forEach(stored -> result.put(stored.spec().service(), stored));
      return Map.copyOf(result);
    }
  }

  /**
   * The highest number of provider calls in flight at the same time since creation, {@link
   * #clearCalls()} or {@link #reset()}; a call is in flight from its start to its end, latency
   * included.
   *
   * @return the high-water mark
   */
  public int maxConcurrentCalls() {
    return maxInFlight.get();
  }

  /** Forgets every load balancer, address, call, failure and the latency. */
  public void reset() {
    synchronized (lock) {
      clusters.clear();
      addresses.clear();
      calls.clear();
      nextFailures.clear();
      permanentFailures.clear();
      latency = Duration.ZERO;
      maxInFlight.set(inFlight.get());
    }
  }

  /**
   * Runs one provider call: records it, waits the latency, throws an injected failure, then runs
   * {@code work} atomically. Reports the call to {@code listener}.
   */
  <T> T call(String operation, String subject, ApiCallListener listener, Supplier<T> work) {
    synchronized (lock) {
      calls.add(operation + " " + subject);
    }
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    long started = System.nanoTime();
    String outcome = "ok";
    try {
      if (SLOW.contains(operation)) {
        pause(currentLatency(), operation + " " + subject);
      }
      synchronized (lock) {
        LoadBalancerException failure = injectedFailure(operation);
        if (failure != null) {
          throw failure;
        }
        return work.get();
      }
    } catch (RuntimeException | Error e) {
      outcome = e.getClass().getSimpleName();
      throw e;
    } finally {
      inFlight.decrementAndGet();
      listener.onCall(operation, outcome, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** The stored load balancer of a Service UID in a cluster. */
  Optional<StoredLoadBalancer> stored(String clusterName, String uid) {
    synchronized (lock) {
      return Optional.ofNullable(clusters.getOrDefault(clusterName, Map.of()).get(uid));
    }
  }

  /** Creates or replaces a load balancer. */
  void store(String clusterName, StoredLoadBalancer loadBalancer) {
    synchronized (lock) {
      clusters
          .computeIfAbsent(clusterName, c -> new HashMap<>())
          .put(loadBalancer.spec().service().uid(), loadBalancer);
    }
  }

  /** Deletes a load balancer and frees its addresses. */
  void remove(String clusterName, String uid) {
    synchronized (lock) {
      Map<String, StoredLoadBalancer> cluster = clusters.get(clusterName);
      if (cluster != null) {
        cluster.remove(uid);
      }
      addresses.release(new AddressPool.Owner(clusterName, uid));
    }
  }

  /** The address pool; callers hold the lock, which {@link #call} does. */
  AddressPool addresses() {
    return addresses;
  }

  private LoadBalancerException injectedFailure(String operation) {
    Deque<LoadBalancerException> queued = nextFailures.get(operation);
    if (queued != null && !queued.isEmpty()) {
      return queued.poll();
    }
    return permanentFailures.get(operation);
  }

  private Duration currentLatency() {
    synchronized (lock) {
      return latency;
    }
  }

  private static void pause(Duration latency, String call) {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted during " + call, e);
    }
  }

  private static void requireFailable(String operation) {
    if (!FAILABLE.contains(operation)) {
      throw new IllegalArgumentException(
          "operation must be one of " + FAILABLE + ", got '" + operation + "'");
    }
  }
}
