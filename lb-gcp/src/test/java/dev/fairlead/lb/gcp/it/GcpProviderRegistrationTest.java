package dev.fairlead.lb.gcp.it;

import dev.fairlead.lb.tck.ProviderRegistrationContract;

/** The factory is found by ServiceLoader under the name {@code gcp}. */
class GcpProviderRegistrationTest extends ProviderRegistrationContract {
  @Override
  protected String expectedName() {
    return "gcp";
  }
}
