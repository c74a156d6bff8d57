package dev.fairlead.sim.gcp;

import dev.fairlead.sim.Simulator;
import dev.fairlead.sim.SimulatorCommand;
import picocli.CommandLine.Command;

/** {@code fairlead cloud-sim gcp}. */
@Command(name = "gcp", mixinStandardHelpOptions = true, description = "The Gcp simulator (to come).")
public final class GcpSimCommand extends SimulatorCommand {
  /** For picocli. */
  public GcpSimCommand() {}

  @Override
  protected String defaultListen() {
    return "127.0.0.1:8085";
  }

  @Override
  protected Simulator start(String host, int port) {
    throw new IllegalStateException("the gcp simulator is not built yet");
  }
}
