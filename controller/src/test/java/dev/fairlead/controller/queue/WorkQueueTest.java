package dev.fairlead.controller.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400));

  @Test
  void backoffDoublesUpToTheCap() {
    assertThat(List.of(1, 2, 3, 4, 5, 10, 100).stream().map(Backoff.UPSTREAM::delay).toList())
        .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(40), Duration.ofSeconds(80), Duration.ofMinutes(5), Duration.ofMinutes(5));
  }

  @Test
  void aKeyAddedManyTimesWhileWaitingIsHandledOnce() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<String> handled = new CopyOnWriteArrayList<>();
    try (WorkQueue<String> queue = new WorkQueue<>("t", 1, FAST, key -> {
      awaitLatch(gate);
      handled.add(key);
      return Outcome.DONE;
    })) {
      queue.add("blocker");
      for (int i = 0; i < 100; i++) {
        queue.add("a");
      }
      gate.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
      Thread.sleep(100);
      assertThat(handled).containsExactly("blocker", "a");
    }
  }

  @Test
  void aKeyIsNeverHandledTwiceAtOnceAndAChangeDuringHandlingIsNotLost() throws Exception {
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    try (WorkQueue<String> queue = new WorkQueue<>("t", 8, FAST, key -> {
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      started.countDown();
      sleep(100);
      concurrent.decrementAndGet();
      runs.incrementAndGet();
      return Outcome.DONE;
    })) {
      queue.add("k");
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      queue.add("k"); // while it is being handled
      queue.add("k");
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
      Thread.sleep(300);
      assertThat(runs.get()).isEqualTo(2);
      assertThat(maxConcurrent.get()).isEqualTo(1);
    }
  }

  @Test
  void failuresBackOffExponentiallyAndSuccessResetsTheCount() {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    try (WorkQueue<String> queue = new WorkQueue<>("t", 1, FAST, key -> {
      attempts.add(System.nanoTime());
      return attempts.size() < 4 ? new Outcome.Backoff(new RuntimeException("x")) : Outcome.DONE;
    })) {
      queue.add("k");
      await().atMost(Duration.ofSeconds(5)).until(() -> attempts.size() == 4);
      long first = TimeUnit.NANOSECONDS.toMillis(attempts.get(1) - attempts.get(0));
      long second = TimeUnit.NANOSECONDS.toMillis(attempts.get(2) - attempts.get(1));
      long third = TimeUnit.NANOSECONDS.toMillis(attempts.get(3) - attempts.get(2));
      assertThat(first).isGreaterThanOrEqualTo(45);
      assertThat(second).isGreaterThanOrEqualTo(95);
      assertThat(third).isGreaterThanOrEqualTo(195);
      await().atMost(Duration.ofSeconds(2)).until(() -> queue.failures("k") == 0);
    }
  }

  @Test
  void retryAfterUsesTheFixedDelay() {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    try (WorkQueue<String> queue = new WorkQueue<>("t", 1, FAST, key -> {
      attempts.add(System.nanoTime());
      return attempts.size() == 1 ? new Outcome.RetryAfter(Duration.ofMillis(300)) : Outcome.DONE;
    })) {
      queue.add("k");
      await().atMost(Duration.ofSeconds(5)).until(() -> attempts.size() == 2);
      assertThat(TimeUnit.NANOSECONDS.toMillis(attempts.get(1) - attempts.get(0)))
          .isGreaterThanOrEqualTo(295);
    }
  }

  @Test
  void inFlightIsBoundedAndAThrowingHandlerDoesNotStopTheQueue() {
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    ConcurrentHashMap<String, Boolean> done = new ConcurrentHashMap<>();
    try (WorkQueue<String> queue = new WorkQueue<>("t", 3, FAST, key -> {
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      try {
        sleep(20);
        if (key.equals("boom") && !done.containsKey("boom-failed")) {
          done.put("boom-failed", true);
          throw new IllegalStateException("bug");
        }
        done.put(key, true);
        return Outcome.DONE;
      } finally {
        concurrent.decrementAndGet();
      }
    })) {
      for (int i = 0; i < 30; i++) {
        queue.add("k" + i);
      }
      queue.add("boom");
      await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 32);
      assertThat(maxConcurrent.get()).isEqualTo(3);
    }
  }

  static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void backgroundKeysWaitUntilNoNormalKeyIsReady() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<String> handled = new CopyOnWriteArrayList<>();
    try (WorkQueue<String> queue = new WorkQueue<>("t", 1, FAST, key -> {
      awaitLatch(gate);
      handled.add(key);
      return Outcome.DONE;
    })) {
      queue.add("blocker");
      queue.addBackground("recheck-1");
      queue.addBackground("recheck-2");
      queue.add("new-service");
      queue.addBackground("new-service"); // already waiting at normal priority: unchanged
      queue.add("recheck-2"); // a real change promotes it
      gate.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 4);
      assertThat(handled).containsExactly("blocker", "new-service", "recheck-2", "recheck-1");
    }
  }
}
