package dev.fairlead.lb.aws.internal.model;

import java.util.Objects;

/**
 * One security group ingress permission for one source network.
 *
 * @param protocol {@code tcp}, {@code udp} or {@code icmp}
 * @param fromPort first port (ICMP: type)
 * @param toPort last port (ICMP: code)
 * @param cidr the source network, IPv4 or IPv6
 */
public record IngressRule(String protocol, int fromPort, int toPort, String cidr)
    implements Comparable<IngressRule> {

  /** Validates. */
  public IngressRule {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cidr, "cidr");
  }

  /**
   * Whether the source is IPv6.
   *
   * @return true for an IPv6 CIDR
   */
  public boolean ipv6() {
    return cidr.contains(":");
  }

  @Override
  public int compareTo(IngressRule o) {
    return toString().compareTo(o.toString());
  }
}
