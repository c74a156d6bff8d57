package dev.fairlead.lb.baremetal.speaker.bfd;

import java.time.Duration;

/**
 * One peer's BFD parameters (MetalLB's BFDProfile, asynchronous mode).
 *
 * @param transmitInterval desired minimum transmit interval once Up
 * @param receiveInterval required minimum receive interval
 * @param detectMultiplier packets that may be missed before the session goes down
 * @param passive wait for the peer's first packet before sending
 */
public record BfdSettings(Duration transmitInterval, Duration receiveInterval, int detectMultiplier,
    boolean passive) {

  /** FRR's and MetalLB's defaults: 300 ms both ways, multiplier 3. */
  public static final BfdSettings DEFAULT =
      new BfdSettings(Duration.ofMillis(300), Duration.ofMillis(300), 3, false);

  /** Validates the ranges MetalLB allows (10 ms to 60 s, multiplier 2 to 255). */
  public BfdSettings {
    for (Duration d : new Duration[] {transmitInterval, receiveInterval}) {
      if (d.toMillis() < 10 || d.toMillis() > 60_000) {
        throw new IllegalArgumentException("BFD intervals must be 10 ms to 60 s, got " + d.toMillis() + " ms");
      }
    }
    if (detectMultiplier < 2 || detectMultiplier > 255) {
      throw new IllegalArgumentException("detect multiplier must be 2 to 255, got " + detectMultiplier);
    }
  }
}
