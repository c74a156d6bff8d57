package dev.fairlead.lb.api;

import java.net.Inet4Address;
import java.net.InetAddress;

/** An IP address family. */
public enum IpFamily {
  /** IPv4. */
  IPV4,
  /** IPv6. */
  IPV6;

  /**
   * The family of an address.
   *
   * @param address the address
   * @return its family
   */
  public static IpFamily of(InetAddress address) {
    return address instanceof Inet4Address ? IPV4 : IPV6;
  }

  /**
   * The name Kubernetes uses in {@code spec.ipFamilies}, for messages users recognise.
   *
   * @return {@code IPv4} or {@code IPv6}
   */
  public String kubernetesName() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }
}
