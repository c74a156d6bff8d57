package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import java.util.List;
import java.util.Objects;

/**
 * How an {@link InMemoryLoadBalancerProvider} reports its load balancers.
 *
 * @param ingress whether the status carries addresses or hostnames
 * @param ipv4Range the IPv4 pool, inside 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24
 * @param ipv6Range the IPv6 pool, inside 2001:db8::/32
 */
public record InMemoryAddressing(IngressKind ingress, Cidr ipv4Range, Cidr ipv6Range) {

  // RFC 5737 and RFC 3849: a fake cloud must never publish an address someone really uses.
  private static final List<Cidr> DOCUMENTATION_RANGES =
      List.of(
          Cidr.parse("192.0.2.0/24"),
          Cidr.parse("198.51.100.0/24"),
          Cidr.parse("203.0.113.0/24"),
          Cidr.parse("2001:db8::/32"));

  /** What a status entry is. */
  public enum IngressKind {
    /** One address per IP family of the Service, primary first. */
    IP,
    /** One hostname, {@code <uid>.<cluster>.lb.example.test}. */
    HOSTNAME
  }

  /** Validates that each range has the right family and lies in a documentation range. */
  public InMemoryAddressing {
    Objects.requireNonNull(ingress, "ingress");
    requireDocumentationRange(ipv4Range, IpFamily.IPV4, "ipv4Range");
    requireDocumentationRange(ipv6Range, IpFamily.IPV6, "ipv6Range");
  }

  /**
   * Addresses from 192.0.2.0/24 and 2001:db8::/112.
   *
   * @return the default addressing
   */
  public static InMemoryAddressing defaults() {
    return new InMemoryAddressing(
        IngressKind.IP, Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/112"));
  }

  /**
   * Hostnames instead of addresses, like cloud load balancers reached by DNS name.
   *
   * @return hostname addressing with the default ranges
   */
  public static InMemoryAddressing hostnames() {
    return new InMemoryAddressing(
        IngressKind.HOSTNAME, Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/112"));
  }

  /**
   * The pool of one family.
   *
   * @param family the family
   * @return its range
   */
  public Cidr range(IpFamily family) {
    return family == IpFamily.IPV4 ? ipv4Range : ipv6Range;
  }

  static boolean isDocumentationRange(Cidr range) {
    return DOCUMENTATION_RANGES.stream()
        .anyMatch(
            doc -> doc.prefixLength() <= range.prefixLength() && doc.contains(range.address()));
  }

  private static void requireDocumentationRange(Cidr range, IpFamily family, String what) {
    Objects.requireNonNull(range, what);
    if (range.family() != family) {
      throw new IllegalArgumentException(what + " " + range + " is not an " + family + " range");
    }
    if (!isDocumentationRange(range)) {
      throw new IllegalArgumentException(
          what + " " + range + " is not inside a documentation range " + DOCUMENTATION_RANGES);
    }
  }
}
