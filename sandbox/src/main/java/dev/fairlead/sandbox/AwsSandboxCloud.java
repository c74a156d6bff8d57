package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.CliException;
import dev.fairlead.lb.api.ProviderSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * AWS behind the sandbox: EC2 instances in moto or LocalStack. The emulator is the provider
 * config's {@code endpoint}; without one the sandbox starts moto itself ({@link MotoProcess}).
 * Closing terminates the instances the sandbox started and stops a moto it started.
 */
final class AwsSandboxCloud implements SandboxCloud {
  /** The region when the config names none. */
  static final String DEFAULT_REGION = "us-east-1";

  private final Ec2Instances ec2;
  private final ProviderSettings settings;
  private final Optional<MotoProcess> moto;
  private final List<String> launched = new CopyOnWriteArrayList<>();

  private AwsSandboxCloud(Ec2Instances ec2, ProviderSettings settings, Optional<MotoProcess> moto) {
    this.ec2 = ec2;
    this.settings = settings;
    this.moto = moto;
  }

  /**
   * The cloud for the configured settings.
   *
   * @param configured the user's provider settings (may be empty)
   * @param configFile the user's config file, or null
   * @param workDir where a moto the sandbox starts writes its log
   * @return the cloud
   * @throws CliException if the endpoint is not a URL, or moto is needed but cannot start
   */
  static AwsSandboxCloud create(ProviderSettings configured, Path configFile, Path workDir) {
    String region = configured.optional("region").orElse(DEFAULT_REGION);
    Optional<MotoProcess> moto = Optional.empty();
    URI endpoint;
    if (configured.optional("endpoint").isPresent()) {
      String raw = configured.optional("endpoint").get();
      try {
        endpoint = URI.create(raw);
      } catch (IllegalArgumentException e) {
        throw new CliException(
            "provider config " + configFile + ": endpoint '" + raw + "' is not a URL");
      }
    } else {
      moto = Optional.of(MotoProcess.start(workDir.resolve("moto.log")));
      endpoint = moto.get().endpoint();
    }
    Map<String, String> values = new LinkedHashMap<>(configured.values());
    values.put("endpoint", endpoint.toString());
    values.put("region", region);
    return new AwsSandboxCloud(
        Ec2Instances.of(endpoint, region, configured.optional("vpcId")),
        ProviderSettings.of(values),
        moto);
  }

  @Override
  public Prepared prepare(int nodes, String cluster) {
    Ec2Instances.Launch launch = ec2.prepare(nodes, cluster);
    launch.instances().forEach(i -> launched.add(i.providerId()));
    ProviderSettings completed = settings;
    if (completed.optional("vpcId").isEmpty() && launch.vpcId().isPresent()) {
      Map<String, String> values = new LinkedHashMap<>(completed.values());
      values.put("vpcId", launch.vpcId().get());
      completed = ProviderSettings.of(values);
    }
    String endpoint = settings.optional("endpoint").orElseThrow();
    String region = settings.optional("region").orElseThrow();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("AWS_ENDPOINT_URL", endpoint);
    environment.put("AWS_DEFAULT_REGION", region);
    if (moto.isPresent()) {
      environment.put("AWS_ACCESS_KEY_ID", "sandbox");
      environment.put("AWS_SECRET_ACCESS_KEY", "sandbox");
    }
    List<String> hints =
        List.of(
            moto.map(m -> "moto started by the sandbox at " + endpoint + " (PID " + m.pid() + ")")
                .orElse("the emulator at " + endpoint),
            "aws elbv2 describe-load-balancers --query 'LoadBalancers[].[LoadBalancerName,DNSName]'");
    return new Prepared(launch.instances(), completed, environment, hints);
  }

  @Override
  public void close() {
    ec2.terminate(List.copyOf(launched));
    launched.clear();
    moto.ifPresent(MotoProcess::close);
  }
}
