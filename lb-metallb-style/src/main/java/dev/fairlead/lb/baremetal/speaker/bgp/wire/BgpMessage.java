package dev.fairlead.lb.baremetal.speaker.bgp.wire;

/**
 * A BGP message. The types the speaker sends and understands; any other type on the wire is a
 * Message Header Error.
 */
public sealed interface BgpMessage
    permits Open, Update, Notification, BgpMessage.Keepalive, BgpMessage.RouteRefresh {

  /** Type code of OPEN. */
  int OPEN = 1;
  /** Type code of UPDATE. */
  int UPDATE = 2;
  /** Type code of NOTIFICATION. */
  int NOTIFICATION = 3;
  /** Type code of KEEPALIVE. */
  int KEEPALIVE = 4;
  /** Type code of ROUTE-REFRESH (RFC 2918). */
  int ROUTE_REFRESH = 5;

  /** A KEEPALIVE: the header alone. */
  record Keepalive() implements BgpMessage {}

  /**
   * A ROUTE-REFRESH request (RFC 2918): the peer asks for the whole Adj-RIB-Out of one family again.
   *
   * @param afi AFI
   * @param safi SAFI
   */
  record RouteRefresh(int afi, int safi) implements BgpMessage {}
}
