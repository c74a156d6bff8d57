package dev.fairlead.controller.cli;

import picocli.CommandLine.Option;

/** {@code --log-format}, shared by every long-running subcommand (a picocli mixin). */
public final class LoggingOptions {
  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "plain",
      description = "plain or json, one object per line (default: ${DEFAULT-VALUE}).")
  Logging.Format logFormat;

  /** Used by picocli. */
  public LoggingOptions() {}

  /** Switches the console log to the chosen format. */
  public void apply() {
    Logging.configure(logFormat);
  }
}
