package dev.fairlead.sim.gcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resource quotas by metric ({@code FORWARDING_RULES}, {@code STATIC_ADDRESSES}, ...), per region
 * for regional resources and per project for global ones. An insert beyond the limit fails in its
 * operation with {@code QUOTA_EXCEEDED}, as the real API reports it. Unlimited unless set.
 */
final class Quotas {
  private final Map<String, Integer> limits = new ConcurrentHashMap<>();

  void set(String metric, int limit) {
    limits.put(metric, limit);
  }

  void clear() {
    limits.clear();
  }

  int limit(String metric) {
    return limits.getOrDefault(metric, Integer.MAX_VALUE);
  }
}
