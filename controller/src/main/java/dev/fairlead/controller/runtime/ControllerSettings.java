package dev.fairlead.controller.runtime;

import dev.fairlead.controller.queue.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a controller runs. Built by the CLI; tests and benchmarks build it directly.
 *
 * @param providerName the provider's name, for metrics and logs
 * @param clusterName scopes provider resources
 * @param loadBalancerClass the class served, or empty for the cluster default
 * @param concurrency provider calls allowed at once
 * @param providerCallsPerSecond sustained provider calls per second
 * @param backoff per-Service failure backoff
 * @param resyncPeriod how often every Service is re-checked (costs no provider call when nothing
 *     changed); zero disables it
 * @param nodeSyncDelay how long node changes are gathered before Services are updated
 * @param leaderElection lease settings, or empty to run without leader election
 * @param metricsPort the port for {@code /metrics}, {@code /healthz}, {@code /readyz}; 0 picks a
 *     free port; negative disables the server
 * @param identity this replica's identity (lease holder, event reporting instance)
 * @param shutdownGrace how long in-flight reconciles may finish on shutdown
 */
public record ControllerSettings(
    String providerName,
    String clusterName,
    Optional<String> loadBalancerClass,
    int concurrency,
    int providerCallsPerSecond,
    Backoff backoff,
    Duration resyncPeriod,
    Duration nodeSyncDelay,
    Optional<LeaderElectionSettings> leaderElection,
    int metricsPort,
    String identity,
    Duration shutdownGrace) {

  /** Validates. */
  public ControllerSettings {
    Objects.requireNonNull(providerName, "providerName");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    if (providerCallsPerSecond < 1) {
      throw new IllegalArgumentException(
          "provider calls per second must be at least 1, got " + providerCallsPerSecond);
    }
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(resyncPeriod, "resyncPeriod");
    Objects.requireNonNull(nodeSyncDelay, "nodeSyncDelay");
    Objects.requireNonNull(leaderElection, "leaderElection");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
  }

  /**
   * Defaults for a provider and cluster: default class, concurrency 10, 20 calls/s, upstream
   * backoff, resync every 10 minutes, node changes gathered for 1 s, no leader election, metrics
   * on 8080.
   *
   * @param providerName the provider
   * @param clusterName the cluster
   * @param identity this replica's identity
   * @return the settings
   */
  public static ControllerSettings defaults(String providerName, String clusterName, String identity) {
    return new ControllerSettings(
        providerName,
        clusterName,
        Optional.empty(),
        10,
        20,
        Backoff.UPSTREAM,
        Duration.ofMinutes(10),
        Duration.ofSeconds(1),
        Optional.empty(),
        8080,
        identity,
        Duration.ofSeconds(20));
  }

  /**
   * Lease-based leader election.
   *
   * @param namespace the Lease's namespace
   * @param leaseName the Lease's name
   * @param leaseDuration how long a lease is valid without renewal
   * @param renewDeadline how long the leader keeps trying to renew before giving up
   * @param retryPeriod how often candidates try to acquire and the leader renews
   */
  public record LeaderElectionSettings(
      String namespace,
      String leaseName,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {

    /** Validates the timing relations the election relies on. */
    public LeaderElectionSettings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(leaseName, "leaseName");
      if (leaseDuration.compareTo(renewDeadline) <= 0 || renewDeadline.compareTo(retryPeriod) <= 0) {
        throw new IllegalArgumentException(
            "leader election needs leaseDuration > renewDeadline > retryPeriod");
      }
    }

    /**
     * The client-go defaults: 15 s lease, 10 s renew deadline, 2 s retry.
     *
     * @param namespace the namespace
     * @param leaseName the Lease name
     * @return the settings
     */
    public static LeaderElectionSettings defaults(String namespace, String leaseName) {
      return new LeaderElectionSettings(
          namespace, leaseName, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }
  }

  /**
   * A copy with other fields, for tests and the CLI.
   *
   * @param newConcurrency the concurrency
   * @return the copy
   */
  public ControllerSettings withConcurrency(int newConcurrency) {
    return new ControllerSettings(providerName, clusterName, loadBalancerClass, newConcurrency,
        providerCallsPerSecond, backoff, resyncPeriod, nodeSyncDelay, leaderElection, metricsPort,
        identity, shutdownGrace);
  }
}
