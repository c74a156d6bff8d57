package dev.fairlead.lb.baremetal.speaker.election;

import java.math.BigInteger;
import java.net.InetAddress;

/**
 * One entry of {@code IPAddressPool.spec.addresses}: a CIDR ({@code 192.0.2.0/24}) or an inclusive
 * range ({@code 192.0.2.10-192.0.2.20}). The speaker only needs membership tests; validation and
 * allocation are the controller's (IPAM) business, so a malformed entry just matches nothing.
 *
 * @param first the first address, as an unsigned number
 * @param last the last address
 * @param length 4 or 16
 */
public record AddressBlock(BigInteger first, BigInteger last, int length) {

  /**
   * Parses an entry.
   *
   * @param text CIDR or range
   * @return the block
   * @throws IllegalArgumentException if malformed
   */
  public static AddressBlock parse(String text) {
    String s = text.strip();
    int dash = s.indexOf('-');
    if (dash > 0) {
      InetAddress a = literal(s.substring(0, dash));
      InetAddress b = literal(s.substring(dash + 1));
      if (a.getAddress().length != b.getAddress().length) {
        throw new IllegalArgumentException("range mixes IPv4 and IPv6: " + text);
      }
      return new AddressBlock(number(a), number(b), a.getAddress().length);
    }
    int slash = s.indexOf('/');
    if (slash < 0) {
      InetAddress a = literal(s);
      return new AddressBlock(number(a), number(a), a.getAddress().length);
    }
    InetAddress base = literal(s.substring(0, slash));
    int bits = base.getAddress().length * 8;
    int prefix;
    try {
      prefix = Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length: " + text);
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("bad prefix length: " + text);
    }
    BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    BigInteger first = number(base).andNot(hostMask);
    return new AddressBlock(first, first.or(hostMask), base.getAddress().length);
  }

  /**
   * Whether the address lies in this block.
   *
   * @param address an address
   * @return true if inside
   */
  public boolean contains(InetAddress address) {
    if (address.getAddress().length != length) {
      return false;
    }
    BigInteger n = number(address);
    return n.compareTo(first) >= 0 && n.compareTo(last) <= 0;
  }

  private static InetAddress literal(String text) {
    try {
      return InetAddress.ofLiteral(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
  }

  private static BigInteger number(InetAddress a) {
    return new BigInteger(1, a.getAddress());
  }
}
