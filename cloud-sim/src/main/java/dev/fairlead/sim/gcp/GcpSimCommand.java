package dev.fairlead.sim.gcp;

import dev.fairlead.sim.Simulator;
import dev.fairlead.sim.SimulatorCommand;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fairlead cloud-sim gcp}: the Compute Engine simulator alone. */
@Command(name = "gcp", mixinStandardHelpOptions = true,
    description = "The Compute Engine v1 simulator (forwarding rules, target pools, health checks, firewalls,"
        + " addresses, backend services, instance groups, instances, operations) over HTTP; gcloud works against it.")
public final class GcpSimCommand extends SimulatorCommand {
  @Option(names = "--operation-delay", paramLabel = "DURATION", defaultValue = "0",
      description = "How long each operation runs before it is DONE, in milliseconds (default: ${DEFAULT-VALUE}).")
  long operationDelayMillis;

  /** For picocli. */
  public GcpSimCommand() {}

  @Override
  protected String defaultListen() {
    return "127.0.0.1:8085";
  }

  @Override
  protected Simulator start(String host, int port) throws Exception {
    GcpSimulator simulator = GcpSimulator.start(host, port);
    simulator.operationDelay(Duration.ofMillis(operationDelayMillis));
    return simulator;
  }
}
