package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.tck.ProviderRegistrationContract;

class BareMetalRegistrationTest extends ProviderRegistrationContract {
  @Override
  protected String expectedName() {
    return "baremetal";
  }
}
