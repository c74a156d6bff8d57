package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.controller.cli.SubcommandProvider;

/** Registers {@code fairlead speaker} with the launcher (found through {@link java.util.ServiceLoader}). */
public final class SpeakerSubcommand implements SubcommandProvider {
  /** Used by {@link java.util.ServiceLoader}. */
  public SpeakerSubcommand() {}

  @Override
  public Object command() {
    return new SpeakerCommand();
  }
}
