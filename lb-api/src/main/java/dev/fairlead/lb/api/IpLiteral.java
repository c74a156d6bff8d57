package dev.fairlead.lb.api;

import java.net.InetAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Strict parsing of IP address literals, as Kubernetes validates them: IPv4 only in full
 * dotted-quad form (so {@code 10.0.0} or {@code 010.0.0.1} are rejected, not silently read as
 * another address), IPv6 in any standard colon form. Nothing is ever resolved through DNS.
 */
public final class IpLiteral {
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private IpLiteral() {}

  /**
   * Parses an address literal.
   *
   * @param text such as {@code 192.0.2.10} or {@code 2001:db8::10}
   * @return the address
   * @throws IllegalArgumentException naming the text if it is not a literal
   */
  public static InetAddress parse(String text) {
    Objects.requireNonNull(text, "address");
    String trimmed = text.strip();
    boolean ipv6 = trimmed.indexOf(':') >= 0;
    if (!ipv6 && !DOTTED_QUAD.matcher(trimmed).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    try {
      return InetAddress.ofLiteral(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
    }
  }
}
