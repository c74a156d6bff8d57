package dev.fairlead.sim;

import dev.fairlead.sim.azure.AzureSimCommand;
import dev.fairlead.sim.gcp.GcpSimCommand;
import picocli.CommandLine.Command;

/** {@code fairlead cloud-sim gcp|azure}: runs one cloud simulator alone, for anyone's tests. */
@Command(
    name = "cloud-sim",
    mixinStandardHelpOptions = true,
    description = "Run a cloud simulator alone until Ctrl-C (GCP Compute over HTTP, Azure ARM over HTTPS).",
    subcommands = {GcpSimCommand.class, AzureSimCommand.class})
public final class CloudSimCommand {
  /** For picocli. */
  public CloudSimCommand() {}
}
