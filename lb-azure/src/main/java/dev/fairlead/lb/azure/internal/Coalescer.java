package dev.fairlead.lb.azure.internal;

import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.ProviderFailureException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns many callers' changes to one shared resource into as few writes as possible, without a
 * lock that makes callers wait for each other's work: while one write is in flight, every change
 * that arrives queues, and the next write carries all of them. Each caller waits only for the
 * write that carried its own change.
 *
 * <ul>
 *   <li>One writer thread (virtual) per coalescer, started when work arrives and ending when the
 *       queue is empty, so at most one write per resource is in flight from this process.
 *   <li>The {@link Writer} applies a batch and reports an outcome per change: a change it cannot
 *       apply fails alone.
 *   <li>When the cloud refuses a whole batch ({@link BatchRejected}), the batch is split in halves
 *       and each half written on its own, down to the single change at fault, so one Service's bad
 *       part never blocks the others.
 * </ul>
 *
 * @param <C> the change type
 * @param <R> what a successful change yields (the written document)
 */
final class Coalescer<C, R> implements AutoCloseable {

  /** What happened to one change. */
  sealed interface Outcome<R> {
    /**
     * Applied (or already in place).
     *
     * @param result what the write yielded
     * @param <R> the result type
     */
    record Done<R>(R result) implements Outcome<R> {}

    /**
     * Not applied.
     *
     * @param error why, as the caller should see it
     * @param <R> the result type
     */
    record Failed<R>(LoadBalancerException error) implements Outcome<R> {}
  }

  /**
   * Applies a batch of changes in one write.
   *
   * @param <C> the change type
   * @param <R> the result type
   */
  @FunctionalInterface
  interface Writer<C, R> {
    /**
     * Applies the changes, in order.
     *
     * @param batch at least one change
     * @return one outcome per change, in the same order
     * @throws BatchRejected if the cloud refused the combined write as invalid
     * @throws RuntimeException for anything else; every change of the batch fails with it
     */
    List<Outcome<R>> write(List<C> batch);
  }

  /** The cloud refused a combined write as invalid; which change caused it is unknown. */
  static final class BatchRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final LoadBalancerException error;

    BatchRejected(LoadBalancerException error) {
      super(error.getMessage(), error);
      this.error = error;
    }

    LoadBalancerException error() {
      return error;
    }
  }

  private record Pending<C, R>(C change, CompletableFuture<R> future) {}

  private final String name;
  private final Writer<C, R> writer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Deque<Pending<C, R>> queue = new ArrayDeque<>();
  private final AtomicInteger writes = new AtomicInteger();
  private boolean running;
  private boolean closed;

  Coalescer(String name, Writer<C, R> writer) {
    this.name = Objects.requireNonNull(name, "name");
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  /**
   * Queues changes so they go out in the same write (unless that write is split), and returns
   * at once.
   *
   * @param changes the changes
   * @return one future per change
   */
  List<CompletableFuture<R>> submit(List<C> changes) {
    List<CompletableFuture<R>> futures = new ArrayList<>();
    boolean start;
    lock.lock();
    try {
      if (closed) {
        throw new ProviderFailureException("the provider is closing; " + name + " takes no more changes");
      }
      for (C change : changes) {
        CompletableFuture<R> future = new CompletableFuture<>();
        queue.add(new Pending<>(change, future));
        futures.add(future);
      }
      start = !running;
      running = true;
    } finally {
      lock.unlock();
    }
    if (start) {
      Thread.ofVirtual().name("coalescer-" + name).start(this::drain);
    }
    return futures;
  }

  /**
   * Submits changes and waits until the write that carried them has finished.
   *
   * @param changes the changes
   * @return the result of each change
   * @throws LoadBalancerException the first change's failure
   */
  List<R> apply(List<C> changes) {
    List<CompletableFuture<R>> futures = submit(changes);
    List<R> results = new ArrayList<>();
    for (CompletableFuture<R> future : futures) {
      try {
        results.add(future.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderFailureException("interrupted while waiting for " + name, e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof LoadBalancerException failure) {
          throw failure;
        }
        throw new ProviderFailureException(name + " failed: " + e.getCause().getMessage(), e.getCause());
      }
    }
    return results;
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * How many times the writer was called (a write with nothing to change costs no request).
   *
   * @return the count
   */
  int writes() {
    return writes.get();
  }

  private void drain() {
    while (true) {
      List<Pending<C, R>> batch = new ArrayList<>();
      lock.lock();
      try {
        if (queue.isEmpty()) {
          running = false;
          return;
        }
        batch.addAll(queue);
        queue.clear();
      } finally {
        lock.unlock();
      }
      process(batch);
    }
  }

  private void process(List<Pending<C, R>> batch) {
    List<Outcome<R>> outcomes;
    try {
      writes.incrementAndGet();
      outcomes = writer.write(batch.stream().map(Pending::change).toList());
    } catch (BatchRejected rejected) {
      if (batch.size() == 1) {
        batch.getFirst().future().completeExceptionally(rejected.error());
        return;
      }
      // Somebody's part is invalid: write each half on its own until the culprit stands alone.
      int half = batch.size() / 2;
      process(batch.subList(0, half));
      process(batch.subList(half, batch.size()));
      return;
    } catch (LoadBalancerException e) {
      batch.forEach(p -> p.future().completeExceptionally(e));
      return;
    } catch (RuntimeException e) {
      ProviderFailureException failure = new ProviderFailureException(name + " failed: " + e.getMessage(), e);
      batch.forEach(p -> p.future().completeExceptionally(failure));
      return;
    }
    if (outcomes.size() != batch.size()) {
      IllegalStateException bug = new IllegalStateException(
          "writer of " + name + " returned " + outcomes.size() + " outcomes for " + batch.size() + " changes");
      batch.forEach(p -> p.future().completeExceptionally(bug));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      switch (outcomes.get(i)) {
        case Outcome.Done<R> done -> batch.get(i).future().complete(done.result());
        case Outcome.Failed<R> failed -> batch.get(i).future().completeExceptionally(failed.error());
      }
    }
  }

  /** Refuses new changes; queued ones are still written. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
  }
}
