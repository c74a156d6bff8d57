package dev.fairlead.lb.api;

import java.io.Serial;

/**
 * The provider configuration is invalid. Thrown by {@link LoadBalancerProviderFactory#create} and
 * {@link ProviderSettings}; the message names the offending key and says what is expected.
 */
public final class ProviderConfigurationException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the key and what is wrong with it
   */
  public ProviderConfigurationException(String message) {
    super(message);
  }
}
