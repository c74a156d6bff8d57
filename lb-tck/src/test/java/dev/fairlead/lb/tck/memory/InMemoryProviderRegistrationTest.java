package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.tck.ProviderRegistrationContract;

/** The reference provider is registered as {@code inmemory}. */
class InMemoryProviderRegistrationTest extends ProviderRegistrationContract {

  @Override
  protected String expectedName() {
    return "inmemory";
  }
}
