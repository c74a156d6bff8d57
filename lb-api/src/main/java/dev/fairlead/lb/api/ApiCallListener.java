package dev.fairlead.lb.api;

import java.time.Duration;

/**
 * Receives one record per call a provider makes to its infrastructure's API, so the controller can
 * export call counts and latencies by operation and outcome. Calls are the scarce resource: every
 * cloud throttles them.
 */
@FunctionalInterface
public interface ApiCallListener {

  /** A listener that ignores every call. */
  ApiCallListener NONE = (operation, outcome, duration) -> {};

  /**
   * Records one completed call.
   *
   * @param operation the API operation, such as {@code CreateLoadBalancer}
   * @param outcome {@code ok}, or a short error code such as {@code Throttling} or {@code 503}
   * @param duration how long the call took
   */
  void onCall(String operation, String outcome, Duration duration);
}
