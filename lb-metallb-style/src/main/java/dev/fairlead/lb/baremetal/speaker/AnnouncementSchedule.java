package dev.fairlead.lb.baremetal.speaker;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * When to send gratuitous ARP / unsolicited NA for each held VIP: at once when triggered, then every
 * {@code interval} until {@code window} after the last trigger (defaults 1.1 s and 5 s: rounds at
 * 0, 1.1, 2.2, 3.3 and 4.4 s). The 1.1 s spacing makes sure at least one announcement lands after
 * the one-second {@code locktime} during which Linux ignores a second update of a neighbour entry;
 * several rounds survive a lost frame and a switch that learns slowly. Pure (time is passed in), not
 * thread-safe.
 */
final class AnnouncementSchedule {
  /** The defaults described above. */
  static final Duration INTERVAL = Duration.ofMillis(1100);

  /** How long after the last trigger rounds continue. */
  static final Duration WINDOW = Duration.ofSeconds(5);

  private record Entry(long nextNanos, long lastTriggerNanos) {}

  private final long intervalNanos;
  private final long windowNanos;
  private final Map<InetAddress, Entry> entries = new HashMap<>();

  AnnouncementSchedule(Duration interval, Duration window) {
    this.intervalNanos = interval.toNanos();
    this.windowNanos = window.toNanos();
  }

  /** (Re)starts the burst for {@code vip}: due now if idle, else the window is extended. */
  void trigger(InetAddress vip, long nowNanos) {
    Entry e = entries.get(vip);
    entries.put(vip, new Entry(e == null ? nowNanos : e.nextNanos(), nowNanos));
  }

  /** Stops announcing {@code vip} (ownership lost). */
  void cancel(InetAddress vip) {
    entries.remove(vip);
  }

  /** The VIPs to announce now; advances their next round and forgets finished bursts. */
  List<InetAddress> due(long nowNanos) {
    List<InetAddress> result = new ArrayList<>();
    for (Iterator<Map.Entry<InetAddress, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<InetAddress, Entry> me = it.next();
      Entry e = me.getValue();
      if (e.nextNanos() - e.lastTriggerNanos() > windowNanos) {
        it.remove();
      } else if (nowNanos - e.nextNanos() >= 0) {
        result.add(me.getKey());
        long next = e.nextNanos() + intervalNanos;
        if (next - e.lastTriggerNanos() > windowNanos) {
          it.remove();
        } else {
          me.setValue(new Entry(Math.max(next, nowNanos + 1), e.lastTriggerNanos()));
        }
      }
    }
    return result;
  }

  /** Whether a burst is running for {@code vip}. */
  boolean active(InetAddress vip) {
    return entries.containsKey(vip);
  }
}
