package dev.fairlead.lb.baremetal.speaker.election;

import java.net.InetAddress;

/** Canonical text of addresses (RFC 5952 for IPv6), for the election key, logs and events. */
public final class Addresses {
  private Addresses() {}

  /**
   * Dotted quad for IPv4; for IPv6 the RFC 5952 form: lower-case hex without leading zeros, the
   * longest run of two or more zero groups (the first of equal runs) as {@code ::}, no zone.
   *
   * @param address an address
   * @return its canonical text, e.g. {@code 2001:db8::100}
   */
  public static String format(InetAddress address) {
    return dev.fairlead.lb.api.IpLiteral.format(address);
  }
}
