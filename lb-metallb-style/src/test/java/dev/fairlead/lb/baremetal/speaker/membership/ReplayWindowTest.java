package dev.fairlead.lb.baremetal.speaker.membership;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  @Test
  void eachCounterPassesOnceAndSlightReorderingIsFine() {
    ReplayWindow w = new ReplayWindow();
    assertThat(w.accept(1)).isTrue();
    assertThat(w.accept(3)).isTrue();
    assertThat(w.accept(2)).as("late but new").isTrue();
    assertThat(w.accept(2)).as("replayed").isFalse();
    assertThat(w.accept(3)).isFalse();
    assertThat(w.accept(0)).isFalse();
  }

  @Test
  void countersOlderThanTheWindowAreRefused() {
    ReplayWindow w = new ReplayWindow();
    assertThat(w.accept(1000)).isTrue();
    assertThat(w.accept(1000 - ReplayWindow.SIZE + 1)).isTrue();
    assertThat(w.accept(1000 - ReplayWindow.SIZE)).isFalse();
    assertThat(w.accept(5000)).as("a big jump clears the window").isTrue();
    assertThat(w.accept(4999)).isTrue();
    assertThat(w.accept(1000)).isFalse();
  }
}
