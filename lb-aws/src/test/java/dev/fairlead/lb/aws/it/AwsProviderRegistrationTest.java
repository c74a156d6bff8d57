package dev.fairlead.lb.aws.it;

import dev.fairlead.lb.tck.ProviderRegistrationContract;

/** The provider is found by ServiceLoader under the name {@code aws}. */
class AwsProviderRegistrationTest extends ProviderRegistrationContract {
  @Override
  protected String expectedName() {
    return "aws";
  }
}
