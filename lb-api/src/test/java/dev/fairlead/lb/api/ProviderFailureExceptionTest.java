package dev.fairlead.lb.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderFailureExceptionTest {

  @Test
  void onlyUserErrorsAreMarkedAsSuch() {
    assertThat(ProviderFailureException.userError("subnet 'x' does not exist"))
        .hasMessage("subnet 'x' does not exist")
        .hasNoCause()
        .satisfies(e -> assertThat(e.isUserError()).isTrue());
    assertThat(new ProviderFailureException("503", new IllegalStateException()).isUserError()).isFalse();
    assertThat(new ProviderFailureException("timeout").isUserError()).isFalse();
  }
}
