package dev.fairlead.kube.vocabulary;

import dev.fairlead.lb.api.IpLiteral;
import java.net.InetAddress;
import java.util.Optional;

/** Lenient reading of address fields Kubernetes fills in (node addresses, published ingress). */
public final class Addresses {
  private Addresses() {}

  /**
   * An address literal, or empty if the text is blank or not an address.
   *
   * @param text the text, may be null
   * @return the address
   */
  public static Optional<InetAddress> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(IpLiteral.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
