package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.cloud.KeyedLocks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets checkpoints that node changes leave for later: after a quiet period (or on close)
 * Services with the same target set share one {@code AddTags} call for up to 20 NLBs, so after a
 * node joins a cluster with S Services this costs about S/20 calls, off the node-join path.
 */
final class DeferredCheckpoints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeferredCheckpoints.class);

  private final LoadBalancers loadBalancers;
  private final KeyedLocks locks;
  private final Duration delay;
  private final BiConsumer<String, String> written;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile long lastChangeNanos;
  private Thread writer;

  /** A targets checkpoint waiting to be written. */
  private record Pending(String loadBalancerArn, String targetsHash, long changedAtNanos) {}

  /**
   * Creates the writer; nothing runs until the first deferred checkpoint or {@link #start}.
   *
   * @param loadBalancers writes the tags
   * @param locks the per-Service locks, held while a Service's checkpoint is written
   * @param delay the quiet period
   * @param written told (uid, targets hash) after a checkpoint was written
   */
  DeferredCheckpoints(
      LoadBalancers loadBalancers,
      KeyedLocks locks,
      Duration delay,
      BiConsumer<String, String> written) {
    this.loadBalancers = loadBalancers;
    this.locks = locks;
    this.delay = delay;
    this.written = written;
  }

  /** The Service's targets changed to {@code targetsHash}; its checkpoint is written later. */
  void defer(String uid, String loadBalancerArn, String targetsHash) {
    long now = System.nanoTime();
    Pending previous = pending.get(uid);
    pending.put(
        uid,
        new Pending(loadBalancerArn, targetsHash, previous == null ? now : previous.changedAtNanos()));
    lastChangeNanos = now;
    start();
  }

  /** Nothing is pending for the Service any more (its checkpoint is current, or it is gone). */
  void forget(String uid) {
    pending.remove(uid);
  }

  synchronized void start() {
    if (writer != null) {
      return;
    }
    long tick = Math.max(50, Math.min(1000, delay.toMillis() / 2));
    writer =
        Thread.ofVirtual()
            .name("aws-checkpoint")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      Thread.sleep(tick);
                      flush(false);
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      LOG.info("Writing targets checkpoints failed, will retry: {}", e.getMessage());
                    }
                  }
                });
  }

  /**
   * Writes pending checkpoints.
   *
   * @param all true to write every pending checkpoint now (on close), false for those past the
   *     quiet period
   * @throws InterruptedException if interrupted while waiting for a Service's lock
   */
  void flush(boolean all) throws InterruptedException {
    long now = System.nanoTime();
    long delayNanos = delay.toNanos();
    // Wait for a quiet period, so a burst of node changes is written in as few calls as possible,
    // but never hold a checkpoint back longer than ten delays under constant churn.
    boolean quiet = now - lastChangeNanos >= delayNanos;
    boolean overdue =
        pending.values().stream().anyMatch(p -> now - p.changedAtNanos() >= 10 * delayNanos);
    if (!all && !quiet && !overdue) {
      return;
    }
    Map<String, List<String>> byHash = new TreeMap<>();
    pending.forEach(
        (uid, p) -> byHash.computeIfAbsent(p.targetsHash(), h -> new ArrayList<>()).add(uid));
    for (Map.Entry<String, List<String>> group : byHash.entrySet()) {
      List<String> uids = group.getValue();
      for (int i = 0; i < uids.size(); i += LoadBalancers.BATCH) {
        write(group.getKey(), uids.subList(i, Math.min(uids.size(), i + LoadBalancers.BATCH)));
      }
    }
  }

  /** One AddTags for up to 20 NLBs, each Service locked so no ensure runs meanwhile. */
  private void write(String targetsHash, List<String> uids) throws InterruptedException {
    List<KeyedLocks.Held> held = new ArrayList<>();
    try {
      Map<String, Pending> batch = new LinkedHashMap<>();
      for (String uid : uids) {
        held.add(locks.lock(uid));
        Pending p = pending.get(uid); // re-read under the lock: an ensure may have settled it
        if (p != null && p.targetsHash().equals(targetsHash)) {
          batch.put(uid, p);
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      loadBalancers.addTags(
          batch.values().stream().map(Pending::loadBalancerArn).toList(),
          Map.of(NlbModel.TARGETS_HASH_TAG, targetsHash));
      batch.forEach(
          (uid, p) -> {
            pending.remove(uid, p);
            written.accept(uid, targetsHash);
          });
    } finally {
      held.forEach(KeyedLocks.Held::close);
    }
  }

  /** Stops the background writer and writes what is pending, so a graceful restart is cheap. */
  @Override
  public void close() {
    Thread thread;
    synchronized (this) {
      thread = writer;
    }
    if (thread != null) {
      thread.interrupt();
    }
    try {
      flush(true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.info("Targets checkpoints not written on close: interrupted");
    } catch (RuntimeException e) {
      LOG.info("Targets checkpoints not written on close: {}", e.getMessage());
    }
  }
}
