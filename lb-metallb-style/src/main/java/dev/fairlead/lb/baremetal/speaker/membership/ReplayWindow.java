package dev.fairlead.lb.baremetal.speaker.membership;

/**
 * Which message counters of one sender session were seen: the highest one and a 64-bit bitmap of
 * the 64 below it (the anti-replay window of RFC 4303 §3.4.3). Counters start at 1. Thread-safe.
 */
final class ReplayWindow {
  static final int SIZE = 64;
  private long top;
  private long seen;

  /**
   * Records a counter.
   *
   * @param counter the message's counter
   * @return false if it was seen before or is older than the window
   */
  synchronized boolean accept(long counter) {
    if (counter <= 0) {
      return false;
    }
    if (counter > top) {
      long shift = counter - top;
      seen = shift >= SIZE ? 0 : seen << shift;
      seen |= 1;
      top = counter;
      return true;
    }
    long age = top - counter;
    if (age >= SIZE) {
      return false;
    }
    long bit = 1L << age;
    if ((seen & bit) != 0) {
      return false;
    }
    seen |= bit;
    return true;
  }
}
