package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/** The address families the speaker announces: AFI/SAFI pairs of RFC 4760. */
public enum Family {
  /** IPv4 unicast (AFI 1, SAFI 1). */
  IPV4_UNICAST(1, 1, 4),
  /** IPv6 unicast (AFI 2, SAFI 1). */
  IPV6_UNICAST(2, 1, 16);

  private final int afi;
  private final int safi;
  private final int addressLength;

  Family(int afi, int safi, int addressLength) {
    this.afi = afi;
    this.safi = safi;
    this.addressLength = addressLength;
  }

  /**
   * The address family identifier.
   *
   * @return 1 or 2
   */
  public int afi() {
    return afi;
  }

  /**
   * The subsequent address family identifier.
   *
   * @return 1 (unicast)
   */
  public int safi() {
    return safi;
  }

  /**
   * Bytes of one address of this family.
   *
   * @return 4 or 16
   */
  public int addressLength() {
    return addressLength;
  }

  /**
   * The family of a known AFI/SAFI pair.
   *
   * @param afi AFI
   * @param safi SAFI
   * @return the family, or empty for pairs the speaker does not use
   */
  public static Optional<Family> of(int afi, int safi) {
    for (Family f : values()) {
      if (f.afi == afi && f.safi == safi) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * The unicast family of an address.
   *
   * @param address an address
   * @return IPv4 or IPv6 unicast
   */
  public static Family of(InetAddress address) {
    return address instanceof Inet4Address ? IPV4_UNICAST : IPV6_UNICAST;
  }

  @Override
  public String toString() {
    return this == IPV4_UNICAST ? "ipv4-unicast" : "ipv6-unicast";
  }
}
