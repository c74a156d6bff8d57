package dev.fairlead.sim.azure;

import dev.fairlead.sim.Simulator;
import dev.fairlead.sim.SimulatorCommand;
import picocli.CommandLine.Command;

/** {@code fairlead cloud-sim azure}. */
@Command(name = "azure", mixinStandardHelpOptions = true, description = "The Azure simulator (to come).")
public final class AzureSimCommand extends SimulatorCommand {
  /** For picocli. */
  public AzureSimCommand() {}

  @Override
  protected String defaultListen() {
    return "127.0.0.1:8443";
  }

  @Override
  protected Simulator start(String host, int port) {
    throw new IllegalStateException("the azure simulator is not built yet");
  }
}
