package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An OPEN message (RFC 4271 §4.2). Capabilities travel in optional parameters of type 2.
 *
 * @param version BGP version (4)
 * @param myAs the 2-octet "My Autonomous System" field (AS_TRANS 23456 for larger numbers)
 * @param holdTime proposed hold time in seconds (0 or at least 3)
 * @param bgpIdentifier the router ID as an unsigned 32-bit number
 * @param capabilities the capabilities, in order
 */
public record Open(int version, int myAs, int holdTime, long bgpIdentifier,
    List<Capability> capabilities) implements BgpMessage {
  /** The 2-octet stand-in for AS numbers above 65535 (RFC 6793). */
  public static final int AS_TRANS = 23456;

  /** Copies the list. */
  public Open {
    capabilities = List.copyOf(capabilities);
  }

  /**
   * The sender's AS: the 4-octet capability's value if present, else the 2-octet field.
   *
   * @return the AS number
   */
  public long asn() {
    return capabilities.stream()
        .filter(Capability.FourOctetAs.class::isInstance)
        .map(c -> ((Capability.FourOctetAs) c).asn())
        .findFirst()
        .orElse((long) myAs);
  }

  /**
   * Whether the sender supports 4-octet AS numbers.
   *
   * @return true if the capability is present
   */
  public boolean fourOctetAs() {
    return capabilities.stream().anyMatch(Capability.FourOctetAs.class::isInstance);
  }

  /**
   * Whether the sender understands ROUTE-REFRESH.
   *
   * @return true if the capability is present
   */
  public boolean routeRefresh() {
    return capabilities.stream().anyMatch(Capability.RouteRefresh.class::isInstance);
  }

  /**
   * The families the sender supports. Without any multiprotocol capability that is IPv4 unicast
   * alone (RFC 4760 §8).
   *
   * @return known families
   */
  public Set<Family> families() {
    Set<Family> families = EnumSet.noneOf(Family.class);
    boolean any = false;
    for (Capability c : capabilities) {
      if (c instanceof Capability.Multiprotocol mp) {
        any = true;
        Family.of(mp.afi(), mp.safi()).ifPresent(families::add);
      }
    }
    return any ? families : EnumSet.of(Family.IPV4_UNICAST);
  }

  /**
   * The graceful-restart capability, if present.
   *
   * @return the capability
   */
  public Optional<Capability.GracefulRestart> gracefulRestart() {
    return capabilities.stream()
        .filter(Capability.GracefulRestart.class::isInstance)
        .map(Capability.GracefulRestart.class::cast)
        .findFirst();
  }

  /**
   * The BGP identifier in dotted-quad form.
   *
   * @return e.g. {@code 192.0.2.1}
   */
  public String routerId() {
    return RouterIds.format(bgpIdentifier);
  }
}
