package dev.fairlead.sandbox;

import dev.fairlead.lb.api.ProviderSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AWS behind the sandbox: EC2 instances in moto or LocalStack, from the provider config's endpoint. */
final class AwsSandboxCloud implements SandboxCloud {
  private final Ec2Instances ec2;
  private final ProviderSettings configured;

  private AwsSandboxCloud(Ec2Instances ec2, ProviderSettings configured) {
    this.ec2 = ec2;
    this.configured = configured;
  }

  static AwsSandboxCloud create(ProviderSettings configured, Path configFile) {
    return new AwsSandboxCloud(Ec2Instances.fromSettings(configured, configFile), configured);
  }

  @Override
  public Prepared prepare(int nodes, String cluster) {
    Ec2Instances.Launch launch = ec2.prepare(nodes, cluster);
    ProviderSettings settings = configured;
    if (settings.optional("vpcId").isEmpty() && launch.vpcId().isPresent()) {
      Map<String, String> values = new LinkedHashMap<>(settings.values());
      values.put("vpcId", launch.vpcId().get());
      settings = ProviderSettings.of(values);
    }
    return new Prepared(launch.instances(), settings, Map.of(), List.of());
  }

  @Override
  public void close() {
    // The instances stay in the emulator for now.
  }
}
