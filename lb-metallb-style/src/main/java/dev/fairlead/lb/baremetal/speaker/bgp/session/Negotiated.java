package dev.fairlead.lb.baremetal.speaker.bgp.session;

import dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Open;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

/**
 * What both OPENs agreed on.
 *
 * @param peerOpen the peer's OPEN
 * @param holdTime negotiated hold time in seconds (0 = no hold timer, no keepalives)
 * @param keepaliveTime seconds between KEEPALIVEs (0 = none)
 * @param fourOctetAs both sides support 4-octet AS numbers
 * @param families families both sides support and this side announces
 * @param nextHops this side's next hop per announced family
 * @param gracefulRestart both sides sent the graceful-restart capability
 * @param notificationBit both sides set RFC 8538's N bit: NOTIFICATIONs other than Hard Reset keep
 *     the routes during a restart
 * @param routeRefresh the peer may send ROUTE-REFRESH
 */
public record Negotiated(Open peerOpen, int holdTime, int keepaliveTime, boolean fourOctetAs,
    Set<Family> families, Map<Family, InetAddress> nextHops, boolean gracefulRestart,
    boolean notificationBit, boolean routeRefresh) {

  /** Copies the collections. */
  public Negotiated {
    families = Set.copyOf(families);
    nextHops = Map.copyOf(nextHops);
  }

  /**
   * The codec for this session's UPDATEs.
   *
   * @return 4-octet or 2-octet AS_PATH codec
   */
  public Codec codec() {
    return Codec.of(fourOctetAs);
  }
}
