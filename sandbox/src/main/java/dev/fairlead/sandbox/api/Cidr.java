package dev.fairlead.sandbox.api;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * An IPv4 or IPv6 prefix, parsed without DNS, with the address arithmetic allocation needs.
 *
 * @param network the network address
 * @param prefixLength the prefix length
 */
public record Cidr(InetAddress network, int prefixLength) {

  /**
   * Parses {@code a.b.c.d/n} or {@code x::y/n}.
   *
   * @param text the text
   * @return the prefix, or empty if malformed
   */
  public static Optional<Cidr> parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    Optional<InetAddress> address = ip(text.substring(0, slash));
    if (address.isEmpty()) {
      return Optional.empty();
    }
    int bits = address.get() instanceof Inet4Address ? 32 : 128;
    try {
      int length = Integer.parseInt(text.substring(slash + 1));
      if (length < 0 || length > bits) {
        return Optional.empty();
      }
      return Optional.of(new Cidr(address.get(), length));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses an IP literal, never resolving names.
   *
   * @param text the text
   * @return the address, or empty if it is not a literal
   */
  public static Optional<InetAddress> ip(String text) {
    if (text == null || text.isEmpty() || text.contains("%")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether an address lies in this prefix.
   *
   * @param address the address
   * @return true if inside
   */
  public boolean contains(InetAddress address) {
    if (address.getClass() != network.getClass()) {
      return false;
    }
    int bits = bits();
    BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
        .xor(BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE));
    return toBig(address).and(mask).equals(toBig(network).and(mask));
  }

  /**
   * The n-th address of the prefix (0 is the network address).
   *
   * @param n the offset
   * @return the address
   */
  public InetAddress at(long n) {
    BigInteger value = toBig(network).add(BigInteger.valueOf(n));
    byte[] raw = value.toByteArray();
    byte[] out = new byte[bits() / 8];
    int copy = Math.min(raw.length, out.length);
    System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
    try {
      return InetAddress.getByAddress(out);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * How many addresses the prefix holds (capped at {@link Long#MAX_VALUE}).
   *
   * @return the size
   */
  public long size() {
    int free = bits() - prefixLength;
    return free >= 63 ? Long.MAX_VALUE : 1L << free;
  }

  /**
   * The family: {@code IPv4} or {@code IPv6}.
   *
   * @return the family name as the Service API spells it
   */
  public String family() {
    return network instanceof Inet6Address ? "IPv6" : "IPv4";
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefixLength;
  }

  /**
   * Formats an address canonically (IPv6 compressed, as Go prints it).
   *
   * @param address the address
   * @return the text
   */
  public static String format(InetAddress address) {
    return dev.fairlead.lb.api.IpLiteral.format(address);
  }

  private int bits() {
    return network instanceof Inet4Address ? 32 : 128;
  }

  private static BigInteger toBig(InetAddress address) {
    return new BigInteger(1, address.getAddress());
  }
}
