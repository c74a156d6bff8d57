package dev.fairlead.lb.azure.it;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.azure.AzureProviderFactory;
import dev.fairlead.sim.azure.ArmSimulator;
import dev.fairlead.sim.azure.Seed;
import dev.fairlead.sim.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The ARM simulator as the provider's integration tests use it: seeded, with settings pointing at it. */
final class AzureSim implements AutoCloseable {
  static final String SUBSCRIPTION = "5c6d7e8f-0000-4000-8000-00000000a2e1";
  static final String GROUP = "fairlead-it";
  static final String LOCATION = "eastus";
  static final String NET = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
      + "/providers/Microsoft.Network";

  final ArmSimulator sim;
  final Path ca;

  private AzureSim(ArmSimulator sim, Path ca) {
    this.sim = sim;
    this.ca = ca;
  }

  static AzureSim start() {
    return start(Duration.ZERO);
  }

  static AzureSim start(Duration operationLatency) {
    try {
      ArmSimulator sim = ArmSimulator.start(ArmSimulator.Options.defaults().withOperationLatency(operationLatency));
      Path ca = Files.createTempFile("fairlead-azure-sim-", ".pem");
      sim.writeCaPem(ca);
      Seed.cluster(sim, SUBSCRIPTION, GROUP, LOCATION);
      return new AzureSim(sim, ca);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Settings pointing at the simulator (or at a proxy in front of it). */
  ProviderSettings settings(URI endpoint, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(Map.of(
        "subscriptionId", SUBSCRIPTION, "resourceGroup", GROUP, "location", LOCATION,
        "vnetName", Seed.VNET, "subnetName", Seed.SUBNET, "securityGroupName", Seed.NSG,
        "endpoint", endpoint.toString(), "caFile", ca.toString(), "apiCallsPerSecond", "500",
        "pollInterval", "100ms"));
    values.put("maxThrottleDelay", "2s");
    values.putAll(extra);
    return ProviderSettings.of(values);
  }

  ProviderSettings settings() {
    return settings(sim.endpoint(), Map.of());
  }

  ProviderContext context(String cluster) {
    return context(cluster, settings());
  }

  static ProviderContext context(String cluster, ProviderSettings settings) {
    return new ProviderContext(cluster, settings, Clock.systemUTC(), ApiCallListener.NONE);
  }

  LoadBalancerProvider provider(String cluster) {
    LoadBalancerProvider provider = new AzureProviderFactory().create(context(cluster));
    provider.recover(Map.of());
    return provider;
  }

  /** Nodes in the seeded subnet, with Azure providerIDs. */
  static List<BackendNode> nodes(int count) {
    List<BackendNode> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(new BackendNode("node-" + i, "azure:///subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + GROUP
          + "/providers/Microsoft.Compute/virtualMachines/node-" + i,
          List.of(InetAddress.ofLiteral("192.0.2." + (10 + i))), Map.of()));
    }
    return out;
  }

  List<RecordedRequest> requests() {
    return sim.recorder().all();
  }

  void resetRecorder() {
    sim.recorder().reset();
  }

  @Override
  public void close() {
    sim.close();
    try {
      Files.deleteIfExists(ca);
    } catch (IOException e) {
      // a temp file; the OS cleans it
    }
  }
}
