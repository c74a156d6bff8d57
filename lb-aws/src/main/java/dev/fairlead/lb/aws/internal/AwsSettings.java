package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --provider-config} keys of the AWS provider.
 *
 * @param region the AWS region, such as {@code eu-west-1}
 * @param endpoint an endpoint override for every service (moto, LocalStack), if set
 * @param vpcId the cluster's VPC, or empty to take it from the discovered subnets
 * @param apiCallsPerSecond the client-side rate limit for all AWS calls of this provider
 * @param maxThrottleDelay the longest shared delay throttling errors can build up
 * @param driftCheckInterval how often the background check verifies one load balancer against AWS
 *     and repairs out-of-band changes; empty disables it
 * @param checkpointDelay how long after a target change the NLB's targets checkpoint is rewritten
 *     (batched, in the background, and at once on close); a restart before that re-reads the
 *     targets of the changed Services
 * @param nodePortMin the first node port the backend rule opens on node security groups
 * @param nodePortMax the last node port the backend rule opens
 */
public record AwsSettings(
    String region,
    Optional<URI> endpoint,
    Optional<String> vpcId,
    int apiCallsPerSecond,
    Duration maxThrottleDelay,
    Optional<Duration> driftCheckInterval,
    Duration checkpointDelay,
    int nodePortMin,
    int nodePortMax) {

  /** Every key this provider reads. */
  public static final Set<String> KEYS =
      Set.of(
          "region",
          "endpoint",
          "vpcId",
          "apiCallsPerSecond",
          "maxThrottleDelay",
          "driftCheckInterval",
          "driftCheck",
          "checkpointDelay",
          "nodePortRange");

  /**
   * Reads and validates the settings.
   *
   * @param settings the flat settings
   * @return the typed settings
   * @throws ProviderConfigurationException naming the bad key
   */
  public static AwsSettings from(ProviderSettings settings) {
    settings.rejectUnknownKeys(KEYS);
    String region = settings.required("region");
    if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
      throw new ProviderConfigurationException(
          "setting 'region' must be an AWS region such as eu-west-1, got '" + region + "'");
    }
    Optional<URI> endpoint =
        settings
            .optional("endpoint")
            .map(
                raw -> {
                  try {
                    URI uri = URI.create(raw);
                    if (uri.getScheme() == null || uri.getHost() == null) {
                      throw new IllegalArgumentException("no scheme or host");
                    }
                    return uri;
                  } catch (IllegalArgumentException e) {
                    throw new ProviderConfigurationException(
                        "setting 'endpoint' must be a URL such as http://127.0.0.1:5000, got '"
                            + raw
                            + "'");
                  }
                });
    Optional<String> vpc = settings.optional("vpcId");
    vpc.ifPresent(
        v -> {
          if (!v.matches("vpc-[0-9a-f]+")) {
            throw new ProviderConfigurationException(
                "setting 'vpcId' must be a VPC ID such as vpc-0123456789abcdef0, got '" + v + "'");
          }
        });
    int rate = settings.integer("apiCallsPerSecond", 10, 1, 1000);
    Duration maxDelay = settings.duration("maxThrottleDelay", Duration.ofSeconds(30));
    boolean drift = settings.bool("driftCheck", true);
    Duration interval = settings.duration("driftCheckInterval", Duration.ofMinutes(10));
    Duration checkpointDelay = settings.duration("checkpointDelay", Duration.ofSeconds(30));
    String range = settings.optional("nodePortRange").orElse("30000-32767");
    String[] bounds = range.split("-");
    int min;
    int max;
    try {
      min = Integer.parseInt(bounds[0].strip());
      max = Integer.parseInt(bounds[1].strip());
    } catch (RuntimeException e) {
      throw new ProviderConfigurationException(
          "setting 'nodePortRange' must look like 30000-32767, got '" + range + "'");
    }
    if (bounds.length != 2 || min < 1 || max > 65535 || min > max) {
      throw new ProviderConfigurationException(
          "setting 'nodePortRange' must look like 30000-32767, got '" + range + "'");
    }
    return new AwsSettings(
        region,
        endpoint,
        vpc,
        rate,
        maxDelay,
        drift ? Optional.of(interval) : Optional.empty(),
        checkpointDelay,
        min,
        max);
  }
}
