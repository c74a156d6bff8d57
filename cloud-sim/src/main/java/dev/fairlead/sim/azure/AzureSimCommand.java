package dev.fairlead.sim.azure;

import dev.fairlead.sim.Simulator;
import dev.fairlead.sim.SimulatorCommand;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fairlead cloud-sim azure}: the ARM simulator alone, over HTTPS. */
@Command(
    name = "azure",
    mixinStandardHelpOptions = true,
    description = {
      "The Azure Resource Manager simulator (Microsoft.Network load balancers, public IPs, network"
          + " security groups, virtual networks) over HTTPS with a certificate issued at start.",
      "It seeds one resource group with a virtual network, a subnet and a security group."
    })
public final class AzureSimCommand extends SimulatorCommand {
  @Option(names = "--ca-out", paramLabel = "FILE",
      description = "Where to write the simulator's certificate (PEM) for clients (default: ${DEFAULT-VALUE}).")
  Path caOut = Path.of(System.getProperty("java.io.tmpdir"), "fairlead-azure-sim-ca.pem");

  @Option(names = "--operation-latency", paramLabel = "MS",
      description = "How long each PUT or DELETE stays in progress, in milliseconds (default: ${DEFAULT-VALUE}).")
  long latencyMillis = 0;

  @Option(names = "--subscription", description = "The seeded subscription (default: ${DEFAULT-VALUE}).")
  String subscription = "00000000-0000-0000-0000-000000000000";

  @Option(names = "--resource-group", description = "The seeded resource group (default: ${DEFAULT-VALUE}).")
  String resourceGroup = "fairlead";

  @Option(names = "--location", description = "The seeded region (default: ${DEFAULT-VALUE}).")
  String location = "eastus";

  /** For picocli. */
  public AzureSimCommand() {}

  @Override
  protected String defaultListen() {
    return "127.0.0.1:8443";
  }

  @Override
  protected Simulator start(String host, int port) throws Exception {
    if (latencyMillis < 0) {
      throw new IllegalArgumentException("--operation-latency must not be negative");
    }
    ArmSimulator sim = ArmSimulator.start(new ArmSimulator.Options(host, port, Duration.ofMillis(latencyMillis), 100));
    try {
      sim.writeCaPem(caOut);
      Seed.cluster(sim, subscription, resourceGroup, location);
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
    return sim;
  }
}
