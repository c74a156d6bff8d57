package dev.fairlead.sim.proxy;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Applies a {@link Fault} to matching requests, a limited number of times or with a probability.
 */
public final class FaultRule {
  private final String name;
  private final Predicate<ProxiedRequest> matcher;
  private final Fault fault;
  private final double probability;
  private final AtomicInteger remaining;
  private final AtomicInteger fired = new AtomicInteger();

  private FaultRule(
      String name, Predicate<ProxiedRequest> matcher, Fault fault, double probability, int times) {
    this.name = Objects.requireNonNull(name, "name");
    this.matcher = Objects.requireNonNull(matcher, "matcher");
    this.fault = Objects.requireNonNull(fault, "fault");
    if (probability < 0 || probability > 1) {
      throw new IllegalArgumentException("probability must be within 0..1, got " + probability);
    }
    this.probability = probability;
    this.remaining = new AtomicInteger(times);
  }

  /**
   * A rule that fires on the next {@code times} matching requests.
   *
   * @param name for logs and assertions
   * @param matcher which requests
   * @param fault what to do
   * @param times how many times, at least 1
   * @return the rule
   */
  public static FaultRule times(
      String name, Predicate<ProxiedRequest> matcher, Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1");
    }
    return new FaultRule(name, matcher, fault, 1.0, times);
  }

  /**
   * A rule that fires on each matching request with a probability (drawn from the proxy's seeded
   * random source), without limit.
   *
   * @param name for logs and assertions
   * @param matcher which requests
   * @param fault what to do
   * @param probability 0 to 1
   * @return the rule
   */
  public static FaultRule randomly(
      String name, Predicate<ProxiedRequest> matcher, Fault fault, double probability) {
    return new FaultRule(name, matcher, fault, probability, Integer.MAX_VALUE);
  }

  /**
   * Matches requests whose body or path contains a text, such as {@code Action=CreateListener}.
   *
   * @param text the text
   * @return the predicate
   */
  public static Predicate<ProxiedRequest> containing(String text) {
    return r -> r.path().contains(text) || r.bodyText().contains(text);
  }

  /**
   * Matches every request.
   *
   * @return the predicate
   */
  public static Predicate<ProxiedRequest> any() {
    return r -> true;
  }

  String name() {
    return name;
  }

  Fault fault() {
    return fault;
  }

  /**
   * How often this rule fired.
   *
   * @return the count
   */
  public int fired() {
    return fired.get();
  }

  boolean tryFire(ProxiedRequest request, java.util.random.RandomGenerator random) {
    if (!matcher.test(request)) {
      return false;
    }
    if (probability < 1.0 && random.nextDouble() >= probability) {
      return false;
    }
    if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
      return false;
    }
    fired.incrementAndGet();
    return true;
  }

  @Override
  public String toString() {
    return name + " (fired " + fired.get() + ")";
  }
}
