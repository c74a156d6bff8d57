package dev.fairlead.lb.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ProviderFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The coalescing writer with a fake writer and latches: no timing assumption, only the order of
 * events the latches force.
 */
class CoalescerTest {
  static final long WAIT = 10;

  /** Records batches; the first write blocks until released. */
  static final class GatedWriter implements Coalescer.Writer<String, String> {
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public List<Coalescer.Outcome<String>> write(List<String> batch) {
      batches.add(List.copyOf(batch));
      if (batches.size() == 1) {
        firstStarted.countDown();
        try {
          release.await(WAIT, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      List<Coalescer.Outcome<String>> out = new ArrayList<>();
      for (String change : batch) {
        out.add(change.startsWith("bad")
            ? new Coalescer.Outcome.Failed<>(ProviderFailureException.userError(change + " is invalid"))
            : new Coalescer.Outcome.Done<>("written with " + batch.size()));
      }
      return out;
    }
  }

  @Test
  void changesArrivingDuringAWriteGoOutTogetherInTheNextOne() throws Exception {
    GatedWriter writer = new GatedWriter();
    Coalescer<String, String> coalescer = new Coalescer<>("lb", writer);
    CompletableFuture<String> first = coalescer.submit(List.of("s0")).getFirst();
    assertThat(writer.firstStarted.await(WAIT, TimeUnit.SECONDS)).isTrue();

    List<CompletableFuture<String>> later = new ArrayList<>();
    for (int i = 1; i < 30; i++) {
      later.addAll(coalescer.submit(List.of("s" + i)));
    }
    assertThat(first).isNotDone();
    assertThat(later).noneMatch(CompletableFuture::isDone);
    writer.release.countDown();

    assertThat(first.get(WAIT, TimeUnit.SECONDS)).isEqualTo("written with 1");
    for (CompletableFuture<String> f : later) {
      assertThat(f.get(WAIT, TimeUnit.SECONDS)).isEqualTo("written with 29");
    }
    assertThat(writer.batches).hasSize(2);
    assertThat(coalescer.writes()).isEqualTo(2);
  }

  @Test
  void aChangeTheWriterRefusesFailsAloneAndTheOthersOfItsBatchSucceed() throws Exception {
    GatedWriter writer = new GatedWriter();
    Coalescer<String, String> coalescer = new Coalescer<>("lb", writer);
    coalescer.submit(List.of("s0"));
    writer.firstStarted.await(WAIT, TimeUnit.SECONDS);
    CompletableFuture<String> good = coalescer.submit(List.of("good")).getFirst();
    CompletableFuture<String> bad = coalescer.submit(List.of("bad")).getFirst();
    writer.release.countDown();

    assertThat(good.get(WAIT, TimeUnit.SECONDS)).isEqualTo("written with 2");
    assertThatThrownBy(() -> bad.get(WAIT, TimeUnit.SECONDS)).hasCauseInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("bad is invalid");
  }

  @Test
  void aBatchTheCloudRejectsIsSplitUntilTheCulpritStandsAlone() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    Coalescer<String, String> coalescer = new Coalescer<>("lb", batch -> {
      batches.add(List.copyOf(batch));
      if (batch.contains("poison")) {
        throw new Coalescer.BatchRejected(ProviderFailureException.userError("InvalidResourceReference"));
      }
      return batch.stream().<Coalescer.Outcome<String>>map(c -> new Coalescer.Outcome.Done<>("ok")).toList();
    });
    List<String> changes = List.of("a", "b", "c", "poison", "d", "e", "f", "g");

    List<CompletableFuture<String>> futures = coalescer.submit(changes);

    for (int i = 0; i < changes.size(); i++) {
      if (changes.get(i).equals("poison")) {
        CompletableFuture<String> f = futures.get(i);
        assertThatThrownBy(() -> f.get(WAIT, TimeUnit.SECONDS)).hasMessageContaining("InvalidResourceReference");
      } else {
        assertThat(futures.get(i).get(WAIT, TimeUnit.SECONDS)).isEqualTo("ok");
      }
    }
    assertThat(batches.getFirst()).hasSize(8);
    assertThat(batches).contains(List.of("poison"));
    // 8 -> 4 + 4 -> (2 + 2) -> (1 + 1): the poison is found in log2(8) splits, the rest written in halves
    assertThat(batches).hasSizeLessThanOrEqualTo(1 + 2 + 2 + 2);
  }

  @Test
  void anUnexpectedFailureFailsItsBatchOnlyAndTheNextBatchStillGoesOut() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    Coalescer<String, String> coalescer = new Coalescer<>("lb", batch -> {
      batches.add(List.copyOf(batch));
      if (batches.size() == 1) {
        firstStarted.countDown();
        try {
          release.await(WAIT, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        throw new IllegalStateException("connection reset");
      }
      return batch.stream().<Coalescer.Outcome<String>>map(c -> new Coalescer.Outcome.Done<>("ok")).toList();
    });
    CompletableFuture<String> doomed = coalescer.submit(List.of("x")).getFirst();
    firstStarted.await(WAIT, TimeUnit.SECONDS);
    CompletableFuture<String> next = coalescer.submit(List.of("y")).getFirst();
    release.countDown();

    assertThatThrownBy(() -> doomed.get(WAIT, TimeUnit.SECONDS)).hasMessageContaining("connection reset");
    assertThat(next.get(WAIT, TimeUnit.SECONDS)).isEqualTo("ok");
  }

  @Test
  void changesSubmittedTogetherShareAWriteAndApplyWaitsForThem() {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    Coalescer<String, String> coalescer = new Coalescer<>("lb", batch -> {
      batches.add(List.copyOf(batch));
      return batch.stream().<Coalescer.Outcome<String>>map(c -> new Coalescer.Outcome.Done<>(c + "!")).toList();
    });

    assertThat(coalescer.apply(List.of("part", "backends"))).containsExactly("part!", "backends!");
    assertThat(batches).containsExactly(List.of("part", "backends"));
    coalescer.close();
    assertThatThrownBy(() -> coalescer.apply(List.of("late"))).isInstanceOf(ProviderFailureException.class);
  }

  @Test
  void theWriterThreadEndsWhenTheQueueIsEmptyAndStartsAgainForNewWork() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    Coalescer<String, String> coalescer = new Coalescer<>("lb", batch -> {
      threads.add(Thread.currentThread().getName());
      return batch.stream().<Coalescer.Outcome<String>>map(c -> new Coalescer.Outcome.Done<>("ok")).toList();
    });
    coalescer.apply(List.of("one"));
    CompletableFuture<String> second = coalescer.submit(List.of("two")).getFirst();
    assertThat(second.get(Duration.ofSeconds(WAIT).toSeconds(), TimeUnit.SECONDS)).isEqualTo("ok");
    assertThat(threads).hasSize(2).allMatch(n -> n.equals("coalescer-lb"));
  }
}
