package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.CliException;
import dev.fairlead.lb.api.ProviderSettings;
import java.nio.file.Path;

/** Gcp behind the sandbox: the embedded Gcp simulator from cloud-sim (to come). */
final class GcpSandboxCloud implements SandboxCloud {
  private GcpSandboxCloud() {}

  static GcpSandboxCloud create(ProviderSettings configured, Path configFile) {
    throw new CliException("the sandbox cannot run the gcp provider yet: its simulator is not built");
  }

  @Override
  public Prepared prepare(int nodes, String cluster) {
    throw new UnsupportedOperationException("not built yet");
  }

  @Override
  public void close() {}
}
