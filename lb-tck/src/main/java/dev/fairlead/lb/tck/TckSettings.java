package dev.fairlead.lb.tck;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the conformance kit waits for and names things. Override {@link
 * LoadBalancerProviderContract#settings()} to adapt it to a provider: real clouds are eventually
 * consistent and need minutes, emulators need milliseconds.
 *
 * @param convergenceTimeout how long {@code find} may lag behind a change, and how long {@code
 *     ensure} may keep answering {@link dev.fairlead.lb.api.RetryLaterException}
 * @param pollInterval the pause between two attempts while waiting
 * @param namePrefix the prefix of every Service name the kit invents, so leaked load balancers are
 *     easy to find; a lower-case DNS label prefix such as {@code tck-}
 * @param requestableAddress an address the provider can hand out on request (rule lb204); empty
 *     skips that test
 */
public record TckSettings(
    Duration convergenceTimeout,
    Duration pollInterval,
    String namePrefix,
    Optional<InetAddress> requestableAddress) {

  /** Validates. */
  public TckSettings {
    requirePositive(convergenceTimeout, "convergenceTimeout");
    requirePositive(pollInterval, "pollInterval");
    Objects.requireNonNull(namePrefix, "namePrefix");
    if (!namePrefix.matches("[a-z][a-z0-9-]{0,39}")) {
      throw new IllegalArgumentException(
          "namePrefix '" + namePrefix + "' must be a lower-case DNS label prefix of 1 to 40");
    }
    Objects.requireNonNull(requestableAddress, "requestableAddress");
  }

  /**
   * Defaults for in-process and emulated providers: 10 s to converge, polled every 20 ms, names
   * starting with {@code tck-}, no requestable address.
   *
   * @return the defaults
   */
  public static TckSettings defaults() {
    return new TckSettings(Duration.ofSeconds(10), Duration.ofMillis(20), "tck-", Optional.empty());
  }

  /**
   * These settings with an address the provider can hand out on request.
   *
   * @param address the address
   * @return a copy that enables rule lb204
   */
  public TckSettings withRequestableAddress(InetAddress address) {
    return new TckSettings(convergenceTimeout, pollInterval, namePrefix, Optional.of(address));
  }

  /**
   * These settings with other waiting times.
   *
   * @param timeout the convergence timeout
   * @param interval the poll interval
   * @return a copy with the new times
   */
  public TckSettings withTimeouts(Duration timeout, Duration interval) {
    return new TckSettings(timeout, interval, namePrefix, requestableAddress);
  }

  private static void requirePositive(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + duration);
    }
  }
}
