package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.CliException;
import dev.fairlead.lb.api.ProviderSettings;
import java.nio.file.Path;

/** Azure behind the sandbox: the embedded Azure simulator from cloud-sim (to come). */
final class AzureSandboxCloud implements SandboxCloud {
  private AzureSandboxCloud() {}

  static AzureSandboxCloud create(ProviderSettings configured, Path configFile) {
    throw new CliException("the sandbox cannot run the azure provider yet: its simulator is not built");
  }

  @Override
  public Prepared prepare(int nodes, String cluster) {
    throw new UnsupportedOperationException("not built yet");
  }

  @Override
  public void close() {}
}
