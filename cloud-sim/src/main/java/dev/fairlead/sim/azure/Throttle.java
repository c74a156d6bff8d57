package dev.fairlead.sim.azure;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * ARM's subscription throttling: separate token buckets for reads and writes of each subscription.
 * An empty bucket answers 429 {@code SubscriptionRequestsThrottled} with the {@code Retry-After}
 * until the next token. Off (unlimited) unless configured.
 */
final class Throttle {

  /**
   * The limits of one lane.
   *
   * @param capacity the bucket size (burst)
   * @param perSecond tokens added per second
   */
  record Rate(int capacity, double perSecond) {}

  private final LongSupplier nanoTime;

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
  private final Map<String, Bucket> buckets = new HashMap<>();
  private volatile Rate reads;
  private volatile Rate writes;

  Throttle(LongSupplier nanoTime, Rate reads, Rate writes) {
    this.nanoTime = nanoTime;
    this.reads = reads;
    this.writes = writes;
  }

  void configure(Rate newReads, Rate newWrites) {
    synchronized (buckets) {
      this.reads = newReads;
      this.writes = newWrites;
      buckets.clear();
    }
  }

  /**
   * Takes a token or fails.
   *
   * @param subscription the subscription
   * @param write whether the request writes
   * @throws ArmError 429 when the lane's bucket is empty
   */
  void admit(String subscription, boolean write) {
    Rate rate = write ? writes : reads;
    if (rate == null) {
      return;
    }
    String key = subscription.toLowerCase(Locale.ROOT) + (write ? "|w" : "|r");
    synchronized (buckets) {
      long now = nanoTime.getAsLong();
      Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(rate.capacity(), now));
      double elapsed = (now - bucket.at) / 1e9;
      bucket.tokens = Math.min(rate.capacity(), bucket.tokens + elapsed * rate.perSecond());
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      int wait = (int) Math.ceil((1 - bucket.tokens) / rate.perSecond());
      throw ArmError.throttled(subscription, write ? "write" : "read", Math.max(1, wait));
    }
  }
}
