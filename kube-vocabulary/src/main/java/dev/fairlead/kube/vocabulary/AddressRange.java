package dev.fairlead.kube.vocabulary;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An inclusive range of addresses of one family: one entry of {@code IPAddressPool.spec.addresses}.
 * The one grammar every component reads pools with: a CIDR ({@code 192.0.2.0/28}, host bits
 * ignored), a range {@code first-last} ({@code 192.0.2.10-192.0.2.20}) or a single address
 * ({@code 192.0.2.7}, the same as {@code 192.0.2.7/32}).
 *
 * @param first the first address
 * @param last the last address, not before {@code first}, of the same family
 */
public record AddressRange(InetAddress first, InetAddress last) {

  /** Validates family and order. */
  public AddressRange {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    if (IpFamily.of(first) != IpFamily.of(last)) {
      throw new IllegalArgumentException(
          "range " + IpLiteral.format(first) + "-" + IpLiteral.format(last) + " mixes IPv4 and IPv6");
    }
    if (number(first).compareTo(number(last)) > 0) {
      throw new IllegalArgumentException(
          "range " + IpLiteral.format(first) + "-" + IpLiteral.format(last) + " ends before it starts");
    }
  }

  /**
   * Parses one pool entry.
   *
   * @param text a CIDR, a range or one address
   * @return the range
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static AddressRange parse(String text) {
    String trimmed = Objects.requireNonNull(text, "address range").strip();
    try {
      if (trimmed.contains("/")) {
        Cidr cidr = Cidr.parse(trimmed);
        int bits = bits(cidr.address());
        BigInteger size = BigInteger.ONE.shiftLeft(bits - cidr.prefixLength());
        return new AddressRange(
            cidr.address(), address(number(cidr.address()).add(size).subtract(BigInteger.ONE), bits));
      }
      int dash = trimmed.indexOf('-');
      if (dash < 0) {
        InetAddress single = IpLiteral.parse(trimmed);
        return new AddressRange(single, single);
      }
      return new AddressRange(
          IpLiteral.parse(trimmed.substring(0, dash)), IpLiteral.parse(trimmed.substring(dash + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR (192.0.2.0/24), a range"
          + " (192.0.2.10-192.0.2.20) or an address (192.0.2.7): " + e.getMessage(), e);
    }
  }

  /**
   * The family of the range.
   *
   * @return IPv4 or IPv6
   */
  public IpFamily family() {
    return IpFamily.of(first);
  }

  /**
   * The number of addresses, exact for any IPv6 range.
   *
   * @return the size
   */
  public BigInteger size() {
    return number(last).subtract(number(first)).add(BigInteger.ONE);
  }

  /**
   * Whether an address lies in the range.
   *
   * @param address the address
   * @return true if inside
   */
  public boolean contains(InetAddress address) {
    if (IpFamily.of(address) != family()) {
      return false;
    }
    BigInteger n = number(address);
    return n.compareTo(number(first)) >= 0 && n.compareTo(number(last)) <= 0;
  }

  /**
   * Whether two ranges share an address.
   *
   * @param other the other range
   * @return true if they overlap
   */
  public boolean overlaps(AddressRange other) {
    return family() == other.family()
        && number(first).compareTo(number(other.last)) <= 0
        && number(other.first).compareTo(number(last)) <= 0;
  }

  /**
   * The address at an offset from {@code first}.
   *
   * @param offset 0 to size−1
   * @return the address
   */
  public InetAddress at(BigInteger offset) {
    return address(number(first).add(offset), bits(first));
  }

  /** {@code first-last} in RFC 5952 form, or the one address. */
  @Override
  public String toString() {
    return first.equals(last) ? IpLiteral.format(first)
        : IpLiteral.format(first) + "-" + IpLiteral.format(last);
  }

  /**
   * An address as an unsigned number, for ordering and arithmetic.
   *
   * @param address the address
   * @return its value
   */
  public static BigInteger number(InetAddress address) {
    return new BigInteger(1, address.getAddress());
  }

  private static int bits(InetAddress address) {
    return address.getAddress().length * 8;
  }

  private static InetAddress address(BigInteger value, int bits) {
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[bits / 8];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
    }
  }
}
