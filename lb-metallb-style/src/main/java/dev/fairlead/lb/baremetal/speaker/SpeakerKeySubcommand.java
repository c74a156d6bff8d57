package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.controller.cli.SubcommandProvider;

/** Registers {@code fairlead speaker-key} with the launcher (found through {@link java.util.ServiceLoader}). */
public final class SpeakerKeySubcommand implements SubcommandProvider {
  /** Used by {@link java.util.ServiceLoader}. */
  public SpeakerKeySubcommand() {}

  @Override
  public Object command() {
    return new SpeakerKeyCommand();
  }
}
