package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import java.net.Inet4Address;

/** BGP identifiers: 32-bit numbers written as dotted quads. */
public final class RouterIds {
  private RouterIds() {}

  /**
   * The identifier of an IPv4 address.
   *
   * @param address the address
   * @return its value as an unsigned number
   */
  public static long of(Inet4Address address) {
    byte[] b = address.getAddress();
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
  }

  /**
   * Dotted-quad text.
   *
   * @param id the identifier
   * @return e.g. {@code 192.0.2.1}
   */
  public static String format(long id) {
    return ((id >>> 24) & 0xff) + "." + ((id >>> 16) & 0xff) + "." + ((id >>> 8) & 0xff) + "."
        + (id & 0xff);
  }
}
