package dev.fairlead.controller.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A keyed work queue with the guarantees Kubernetes controllers rely on (as client-go's workqueue):
 *
 * <ul>
 *   <li>a key waits in the queue at most once, however often it is added;
 *   <li>a key is never handled by two threads at once; a key added while it is being handled is
 *       handled again afterwards;
 *   <li>failures back off per key, exponentially; fixed delays are honoured;
 *   <li>at most {@code maxInFlight} keys are handled at once, each on its own virtual thread;
 *   <li>background keys (start-up and resync re-checks) wait until no other key is ready, so a
 *       new Service is never queued behind thousands of routine re-checks.
 * </ul>
 *
 * @param <K> the key type
 */
public final class WorkQueue<K> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);

  private final Function<K, Outcome> handler;
  private final Backoff backoff;
  private final Semaphore inFlight;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readyOrClosed = lock.newCondition();
  private final LinkedHashSet<K> ready = new LinkedHashSet<>();
  private final LinkedHashSet<K> background = new LinkedHashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Set<K> dirty = new HashSet<>();
  private final Map<K, Delayed> delayed = new HashMap<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final ScheduledExecutorService timer;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final Thread dispatcher;
  private volatile boolean closed;

  private record Delayed(long dueNanos, ScheduledFuture<?> future) {}

  /**
   * Creates and starts the queue.
   *
   * @param name a name for threads and logs
   * @param maxInFlight how many keys may be handled at once
   * @param backoff the per-key failure backoff
   * @param handler handles one key; must not throw (a thrown exception counts as a failure)
   */
  public WorkQueue(String name, int maxInFlight, Backoff backoff, Function<K, Outcome> handler) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive");
    }
    this.handler = Objects.requireNonNull(handler, "handler");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.inFlight = new Semaphore(maxInFlight);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name(name + "-timer").daemon().factory());
    this.dispatcher = Thread.ofPlatform().name(name + "-dispatcher").daemon().start(this::dispatch);
  }

  /**
   * Adds a key now.
   *
   * @param key the key
   */
  public void add(K key) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Delayed pending = delayed.remove(key);
      if (pending != null) {
        pending.future.cancel(false);
      }
      background.remove(key);
      if (processing.contains(key)) {
        dirty.add(key);
      } else if (ready.add(key)) {
        readyOrClosed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds a key at background priority: it is handled only when no normal key is ready. A key that
   * is already waiting, delayed or being handled is left as it is.
   *
   * @param key the key
   */
  public void addBackground(K key) {
    lock.lock();
    try {
      if (closed || ready.contains(key) || processing.contains(key) || delayed.containsKey(key)) {
        return;
      }
      if (background.add(key)) {
        readyOrClosed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds a key after a delay. A key already waiting keeps the earlier of the two times.
   *
   * @param key the key
   * @param delay the delay
   */
  public void addAfter(K key, Duration delay) {
    if (delay.isNegative() || delay.isZero()) {
      add(key);
      return;
    }
    lock.lock();
    try {
      if (closed || ready.contains(key)) {
        return;
      }
      long due = System.nanoTime() + delay.toNanos();
      Delayed pending = delayed.get(key);
      if (pending != null && pending.dueNanos - due <= 0) {
        return;
      }
      if (pending != null) {
        pending.future.cancel(false);
      }
      ScheduledFuture<?> future =
          timer.schedule(() -> fireDelayed(key, due), delay.toNanos(), TimeUnit.NANOSECONDS);
      delayed.put(key, new Delayed(due, future));
    } finally {
      lock.unlock();
    }
  }

  private void fireDelayed(K key, long due) {
    lock.lock();
    try {
      Delayed pending = delayed.get(key);
      if (pending == null || pending.dueNanos != due) {
        return; // superseded
      }
      delayed.remove(key);
    } finally {
      lock.unlock();
    }
    add(key);
  }

  /**
   * Keys waiting to be handled now or later.
   *
   * @return the depth
   */
  public int depth() {
    lock.lock();
    try {
      return ready.size() + background.size() + delayed.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Consecutive failures recorded for a key.
   *
   * @param key the key
   * @return the failure count
   */
  public int failures(K key) {
    lock.lock();
    try {
      return failures.getOrDefault(key, 0);
    } finally {
      lock.unlock();
    }
  }

  private void dispatch() {
    while (true) {
      K key;
      try {
        inFlight.acquire();
        lock.lock();
        try {
          while (ready.isEmpty() && background.isEmpty() && !closed) {
            readyOrClosed.await();
          }
          if (closed) {
            inFlight.release();
            return;
          }
          var iterator = ready.isEmpty() ? background.iterator() : ready.iterator();
          key = iterator.next();
          iterator.remove();
          processing.add(key);
        } finally {
          lock.unlock();
        }
      } catch (InterruptedException e) {
        return;
      }
      K handled = key;
      try {
        workers.execute(() -> process(handled));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        inFlight.release();
        return;
      }
    }
  }

  private void process(K key) {
    Outcome outcome;
    try {
      outcome = handler.apply(key);
    } catch (RuntimeException | Error e) {
      LOG.error("Unexpected failure handling {}", key, e);
      outcome = new Outcome.Backoff(e);
    } finally {
      inFlight.release();
    }
    finish(key, outcome);
  }

  private void finish(K key, Outcome outcome) {
    Duration retry = null;
    lock.lock();
    try {
      processing.remove(key);
      switch (outcome) {
        case Outcome.Done done -> failures.remove(key);
        case Outcome.RetryAfter after -> {
          failures.remove(key);
          retry = after.delay();
        }
        case Outcome.Backoff failed -> retry = backoff.delay(failures.merge(key, 1, Integer::sum));
      }
      if (dirty.remove(key) && !closed) {
        // Changed while we were handling it: handle again now, whatever the outcome said.
        ready.add(key);
        readyOrClosed.signal();
        retry = null;
      }
    } finally {
      lock.unlock();
    }
    if (retry != null) {
      addAfter(key, retry);
    }
  }

  /**
   * Stops taking keys and waits for keys being handled, up to {@code grace}; then interrupts them.
   *
   * @param grace how long to let in-flight work finish
   * @return true if everything finished within the grace period
   */
  public boolean shutdown(Duration grace) {
    lock.lock();
    try {
      closed = true;
      delayed.values().forEach(d -> d.future.cancel(false));
      delayed.clear();
      ready.clear();
      background.clear();
      readyOrClosed.signalAll();
    } finally {
      lock.unlock();
    }
    dispatcher.interrupt();
    timer.shutdownNow();
    workers.shutdown();
    boolean finished;
    try {
      finished = workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      workers.shutdownNow();
    }
    return finished;
  }

  /** Stops at once, interrupting keys being handled. */
  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }
}
