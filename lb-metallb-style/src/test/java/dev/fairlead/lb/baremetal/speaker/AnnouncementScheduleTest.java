package dev.fairlead.lb.baremetal.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnouncementScheduleTest {
  static final InetAddress VIP = InetAddress.ofLiteral("192.0.2.100");
  static final long MS = 1_000_000L;

  /** Runs a 10 ms ticker from 0 to {@code untilMs}, returning the times (ms) VIP was due. */
  static List<Long> run(AnnouncementSchedule s, long untilMs, long... triggersMs) {
    List<Long> sent = new ArrayList<>();
    for (long t = 0; t <= untilMs; t += 10) {
      for (long trigger : triggersMs) {
        if (trigger == t) {
          s.trigger(VIP, t * MS);
        }
      }
      if (s.due(t * MS).contains(VIP)) {
        sent.add(t);
      }
    }
    return sent;
  }

  @Test
  void fiveRoundsEvery1100MsUntilFiveSecondsAfterTheTrigger() {
    AnnouncementSchedule s = new AnnouncementSchedule(AnnouncementSchedule.INTERVAL, AnnouncementSchedule.WINDOW);

    assertThat(run(s, 10_000, 0)).containsExactly(0L, 1100L, 2200L, 3300L, 4400L);
    assertThat(s.active(VIP)).isFalse();
  }

  @Test
  void aNewTriggerExtendsTheBurstWithoutAnExtraImmediateRound() {
    AnnouncementSchedule s = new AnnouncementSchedule(AnnouncementSchedule.INTERVAL, AnnouncementSchedule.WINDOW);

    assertThat(run(s, 12_000, 0, 3000)).containsExactly(0L, 1100L, 2200L, 3300L, 4400L, 5500L, 6600L, 7700L);
  }

  @Test
  void cancelStopsAtOnce() {
    AnnouncementSchedule s = new AnnouncementSchedule(AnnouncementSchedule.INTERVAL, AnnouncementSchedule.WINDOW);
    s.trigger(VIP, 0);
    assertThat(s.due(0)).containsExactly(VIP);

    s.cancel(VIP);

    assertThat(s.due(1100 * MS)).isEmpty();
    assertThat(s.active(VIP)).isFalse();
  }
}
