package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.CliException;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.sim.azure.ArmSimulator;
import dev.fairlead.sim.azure.Seed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Azure behind the sandbox: the ARM simulator from cloud-sim, embedded, over HTTPS with a
 * certificate issued at start. It seeds the resource group with the nodes' virtual network,
 * subnet and network security group; the Nodes get Azure providerIDs and addresses in the subnet.
 * Nothing to set up: the provider settings point at the simulator and trust its certificate.
 */
final class AzureSandboxCloud implements SandboxCloud {
  static final String SUBSCRIPTION = "00000000-0000-4000-8000-00000000f1ea";
  static final String GROUP = "fairlead-sandbox";
  static final String LOCATION = "eastus";
  /** How long each simulated PUT or DELETE takes, so the sandbox shows ARM's operations at work. */
  static final Duration OPERATION_LATENCY = Duration.ofMillis(500);

  private final ProviderSettings configured;
  private ArmSimulator simulator;
  private Path ca;

  private AzureSandboxCloud(ProviderSettings configured) {
    this.configured = configured;
  }

  static AzureSandboxCloud create(ProviderSettings configured, Path configFile) {
    return new AzureSandboxCloud(configured);
  }

  @Override
  public Prepared prepare(int nodes, String cluster) {
    String subscription = configured.optional("subscriptionId").orElse(SUBSCRIPTION);
    String group = configured.optional("resourceGroup").orElse(GROUP);
    String location = configured.optional("location").orElse(LOCATION);
    try {
      simulator = ArmSimulator.start(ArmSimulator.Options.defaults().withOperationLatency(OPERATION_LATENCY));
      ca = Files.createTempFile("fairlead-azure-sim-", ".pem");
      simulator.writeCaPem(ca);
      Seed.cluster(simulator, subscription, group, location);
    } catch (IOException | RuntimeException e) {
      close();
      throw new CliException("cannot start the Azure simulator: " + e.getMessage());
    }
    List<SandboxNodes.Instance> instances = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      instances.add(new SandboxNodes.Instance("azure:///subscriptions/" + subscription + "/resourceGroups/" + group
          + "/providers/Microsoft.Compute/virtualMachines/sandbox-node-" + i, location + "-" + (1 + (i - 1) % 3),
          location, "192.0.2." + (10 + i)));
    }
    Map<String, String> settings = new LinkedHashMap<>(configured.values());
    settings.put("subscriptionId", subscription);
    settings.put("resourceGroup", group);
    settings.put("location", location);
    settings.putIfAbsent("vnetName", Seed.VNET);
    settings.putIfAbsent("subnetName", Seed.SUBNET);
    settings.putIfAbsent("securityGroupName", Seed.NSG);
    settings.put("endpoint", simulator.endpoint().toString());
    settings.put("caFile", ca.toString());
    settings.putIfAbsent("pollInterval", "1s");
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("FAIRLEAD_SIM_URL", simulator.endpoint().toString());
    environment.put("FAIRLEAD_SIM_CA", ca.toString());
    environment.put("AZURE_SUBSCRIPTION_ID", subscription);
    environment.put("AZURE_RESOURCE_GROUP", group);
    environment.put("REQUESTS_CA_BUNDLE", ca.toString());
    environment.put("NODE_EXTRA_CA_CERTS", ca.toString());
    String arm = "\"$FAIRLEAD_SIM_URL/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AZURE_RESOURCE_GROUP"
        + "/providers/Microsoft.Network";
    List<String> hints = List.of(
        "curl -s --cacert \"$FAIRLEAD_SIM_CA\" " + arm + "/loadBalancers/" + cluster
            + "?api-version=2024-07-01\"   # the shared load balancer",
        "curl -s --cacert \"$FAIRLEAD_SIM_CA\" " + arm + "/publicIPAddresses?api-version=2024-07-01\"",
        "curl -s --cacert \"$FAIRLEAD_SIM_CA\" \"$FAIRLEAD_SIM_URL/sim/recorder\"   # every ARM request so far");
    return new Prepared(instances, ProviderSettings.of(settings), environment, hints);
  }

  @Override
  public void close() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
    if (ca != null) {
      try {
        Files.deleteIfExists(ca);
      } catch (IOException e) {
        // a temp file; the OS cleans it
      }
      ca = null;
    }
  }
}
