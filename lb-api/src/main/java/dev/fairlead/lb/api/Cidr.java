package dev.fairlead.lb.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation. Host bits are cleared, so {@code 192.0.2.7/24} equals
 * {@code 192.0.2.0/24}.
 *
 * @param address the network address (host bits zero)
 * @param prefixLength 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record Cidr(InetAddress address, int prefixLength) {

  /** Validates the prefix length and clears host bits. */
  public Cidr {
    Objects.requireNonNull(address, "address");
    int bits = address.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " is outside 0-" + bits + " for " + address);
    }
    address = mask(address, prefixLength);
  }

  /**
   * Parses {@code address/prefix}. Only literal addresses are accepted; nothing is resolved.
   *
   * @param text such as {@code 203.0.113.0/24} or {@code 2001:db8::/32}
   * @return the network
   * @throws IllegalArgumentException naming the text if it is not a CIDR
   */
  public static Cidr parse(String text) {
    Objects.requireNonNull(text, "cidr");
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    if (slash <= 0 || slash == trimmed.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR such as 203.0.113.0/24");
    }
    try {
      return new Cidr(
          IpLiteral.parse(trimmed.substring(0, slash)),
          Integer.parseInt(trimmed.substring(slash + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a CIDR such as 203.0.113.0/24: " + e.getMessage(), e);
    }
  }

  /**
   * The family of this network.
   *
   * @return IPv4 or IPv6
   */
  public IpFamily family() {
    return IpFamily.of(address);
  }

  /**
   * Whether an address lies inside this network.
   *
   * @param candidate the address
   * @return true if the prefix matches
   */
  public boolean contains(InetAddress candidate) {
    return candidate.getAddress().length == address.getAddress().length
        && mask(candidate, prefixLength).equals(address);
  }

  @Override
  public String toString() {
    return IpLiteral.format(address) + "/" + prefixLength;
  }

  private static InetAddress mask(InetAddress address, int prefixLength) {
    byte[] bytes = address.getAddress();
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.clamp(prefixLength - i * 8L, 0, 8);
      bytes[i] = (byte) (bytes[i] & (0xff << (8 - keep)));
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of invalid length", e);
    }
  }
}
