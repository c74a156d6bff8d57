package dev.fairlead.lb.aws.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow background repair: every interval it re-reads one load balancer the provider knows
 * (round robin) and converges it to the last applied model, so out-of-band changes and target drift
 * after a restart are repaired without any periodic burst of calls.
 */
final class DriftCheck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriftCheck.class);

  private final AwsLoadBalancerProvider provider;
  private final Duration interval;
  private final Deque<String> pending = new ArrayDeque<>();
  private Thread thread;

  DriftCheck(AwsLoadBalancerProvider provider, Duration interval) {
    this.provider = provider;
    this.interval = interval;
  }

  synchronized void start() {
    if (thread == null) {
      thread = Thread.ofVirtual().name("aws-drift-check").start(this::run);
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      if (pending.isEmpty()) {
        pending.addAll(provider.knownServices());
      }
      String uid = pending.poll();
      if (uid == null) {
        continue;
      }
      try {
        provider.verify(uid);
      } catch (RuntimeException e) {
        LOG.info(
            "Drift check of Service UID {} failed, next round will retry: {}", uid, e.getMessage());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
