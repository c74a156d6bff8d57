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

  /**
   * The canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, no
   * leading zeros, the longest run of two or more zero groups written {@code ::}), as Kubernetes
   * and {@code kubectl} show addresses.
   *
   * @param address the address
   * @return its canonical text, such as {@code 2001:db8::1}
   */
  public static String format(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
