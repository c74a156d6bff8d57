package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.SubcommandProvider;

/** Adds {@code fairlead sandbox} to the CLI (found with ServiceLoader). */
public final class SandboxSubcommand implements SubcommandProvider {
  /** For ServiceLoader. */
  public SandboxSubcommand() {}

  @Override
  public Object command() {
    return new SandboxCommand();
  }
}
