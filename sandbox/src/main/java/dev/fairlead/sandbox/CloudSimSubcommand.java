package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.SubcommandProvider;
import dev.fairlead.sim.CloudSimCommand;

/** Adds {@code fairlead cloud-sim} to the CLI (found with ServiceLoader). */
public final class CloudSimSubcommand implements SubcommandProvider {
  /** For ServiceLoader. */
  public CloudSimSubcommand() {}

  @Override
  public Object command() {
    return new CloudSimCommand();
  }
}
