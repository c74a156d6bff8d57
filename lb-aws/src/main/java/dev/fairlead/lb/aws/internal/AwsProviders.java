package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.cloud.CallGate;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;

/** Builds the SDK clients and the provider. */
public final class AwsProviders {
  /** Attempts per AWS call (throttled or transient failures); creates are never repeated. */
  private static final int MAX_ATTEMPTS = 8;

  private AwsProviders() {}

  /**
   * What the AWS provider can do.
   *
   * @return the capabilities
   */
  public static ProviderCapabilities capabilities() {
    return AwsLoadBalancerProvider.CAPABILITIES;
  }

  /**
   * Validates the settings and builds the provider. Credentials come from the SDK's default chain
   * (environment, profile, web identity, container and instance roles), resolved lazily.
   *
   * @param context the context
   * @return the provider
   */
  public static AwsLoadBalancerProvider create(ProviderContext context) {
    AwsSettings settings = AwsSettings.from(context.settings());
    CallGate gate =
        new CallGate(
            new CallGate.Settings(
                "AWS", settings.apiCallsPerSecond(), settings.maxThrottleDelay(), MAX_ATTEMPTS),
            context.apiCalls(),
            new AwsErrorClassifier());
    // Retries are the gate's job (counted, shared backoff, never a blind repeat of a create).
    ClientOverrideConfiguration override =
        ClientOverrideConfiguration.builder()
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(Duration.ofSeconds(20))
            .build();
    Region region = Region.of(settings.region());
    SdkHttpClient http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(20))
            .build();
    var elb =
        ElasticLoadBalancingV2Client.builder()
            .region(region)
            .httpClient(http)
            .overrideConfiguration(override);
    var ec2 = Ec2Client.builder().region(region).httpClient(http).overrideConfiguration(override);
    var tagging =
        ResourceGroupsTaggingApiClient.builder()
            .region(region)
            .httpClient(http)
            .overrideConfiguration(override);
    settings
        .endpoint()
        .ifPresent(
            uri -> {
              elb.endpointOverride(uri);
              ec2.endpointOverride(uri);
              tagging.endpointOverride(uri);
            });
    return new AwsLoadBalancerProvider(
        context.clusterName(),
        settings,
        new AwsClients(elb.build(), ec2.build(), tagging.build(), gate));
  }
}
