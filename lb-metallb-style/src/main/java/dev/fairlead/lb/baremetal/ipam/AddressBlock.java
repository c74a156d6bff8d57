package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An inclusive range of addresses of one family, written as a CIDR ({@code 192.0.2.0/28}) or as
 * {@code first-last} ({@code 192.0.2.10-192.0.2.20}).
 *
 * @param first the first address
 * @param last the last address, not before {@code first}
 */
public record AddressBlock(InetAddress first, InetAddress last) {

  /** Validates family and order. */
  public AddressBlock {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    if (IpFamily.of(first) != IpFamily.of(last)) {
      throw new IllegalArgumentException(
          "range " + IpLiteral.format(first) + "-" + IpLiteral.format(last) + " mixes IPv4 and IPv6");
    }
    if (toNumber(first).compareTo(toNumber(last)) > 0) {
      throw new IllegalArgumentException(
          "range " + IpLiteral.format(first) + "-" + IpLiteral.format(last) + " ends before it starts");
    }
  }

  /**
   * Parses one entry of {@code spec.addresses}.
   *
   * @param text a CIDR or a range
   * @return the block
   * @throws IllegalArgumentException naming the text
   */
  public static AddressBlock parse(String text) {
    String trimmed = Objects.requireNonNull(text, "address block").strip();
    try {
      if (trimmed.contains("/")) {
        Cidr cidr = Cidr.parse(trimmed);
        BigInteger start = toNumber(cidr.address());
        int bits = cidr.address().getAddress().length * 8;
        BigInteger size = BigInteger.ONE.shiftLeft(bits - cidr.prefixLength());
        return new AddressBlock(cidr.address(), fromNumber(start.add(size).subtract(BigInteger.ONE), bits));
      }
      int dash = trimmed.indexOf('-');
      if (dash <= 0) {
        throw new IllegalArgumentException("expected a CIDR or first-last");
      }
      return new AddressBlock(
          IpLiteral.parse(trimmed.substring(0, dash)), IpLiteral.parse(trimmed.substring(dash + 1)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a CIDR (192.0.2.0/24) or range (192.0.2.10-192.0.2.20): "
              + e.getMessage(), e);
    }
  }

  /**
   * The family of the block.
   *
   * @return IPv4 or IPv6
   */
  public IpFamily family() {
    return IpFamily.of(first);
  }

  /**
   * The number of addresses.
   *
   * @return the size
   */
  public BigInteger size() {
    return toNumber(last).subtract(toNumber(first)).add(BigInteger.ONE);
  }

  /**
   * Whether an address lies in the block.
   *
   * @param address the address
   * @return true if inside
   */
  public boolean contains(InetAddress address) {
    if (IpFamily.of(address) != family()) {
      return false;
    }
    BigInteger n = toNumber(address);
    return n.compareTo(toNumber(first)) >= 0 && n.compareTo(toNumber(last)) <= 0;
  }

  /**
   * Whether two blocks share an address.
   *
   * @param other the other block
   * @return true if they overlap
   */
  public boolean overlaps(AddressBlock other) {
    return family() == other.family()
        && toNumber(first).compareTo(toNumber(other.last)) <= 0
        && toNumber(other.first).compareTo(toNumber(last)) <= 0;
  }

  /**
   * The address at an offset from {@code first}.
   *
   * @param offset 0 to size−1
   * @return the address
   */
  public InetAddress at(BigInteger offset) {
    return fromNumber(toNumber(first).add(offset), first.getAddress().length * 8);
  }

  @Override
  public String toString() {
    return IpLiteral.format(first) + "-" + IpLiteral.format(last);
  }

  static BigInteger toNumber(InetAddress address) {
    return new BigInteger(1, address.getAddress());
  }

  static InetAddress fromNumber(BigInteger value, int bits) {
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[bits / 8];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
