package dev.fairlead.lb.baremetal.speaker.bgp;

import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This node's next hop per family on one BGP connection. The connection's own family uses its local
 * address (what the peer reaches this node on). The other family, when announced over the same
 * session, uses a global address of that family on the same interface, else one of the Node's
 * InternalIPs: never an IPv4-mapped IPv6 address, which FRR accepts but its kernel (zebra) does
 * not.
 */
final class NextHops {
  private NextHops() {}

  static Map<Family, InetAddress> resolve(InetAddress local, boolean dualStack,
      List<InetAddress> nodeAddresses) {
    Map<Family, InetAddress> hops = new EnumMap<>(Family.class);
    hops.put(Family.of(local), local);
    if (dualStack) {
      Family other = Family.of(local) == Family.IPV4_UNICAST ? Family.IPV6_UNICAST
          : Family.IPV4_UNICAST;
      sameInterface(local, other)
          .or(() -> nodeAddresses.stream().filter(a -> Family.of(a) == other).findFirst())
          .ifPresent(a -> hops.put(other, a));
    }
    return hops;
  }

  private static Optional<InetAddress> sameInterface(InetAddress local, Family family) {
    try {
      NetworkInterface nic = NetworkInterface.getByInetAddress(local);
      if (nic == null) {
        return Optional.empty();
      }
      return Collections.list(nic.getInetAddresses()).stream()
          .filter(a -> Family.of(a) == family && usable(a))
          .findFirst();
    } catch (SocketException e) {
      return Optional.empty();
    }
  }

  private static boolean usable(InetAddress a) {
    return !a.isLinkLocalAddress() && !a.isLoopbackAddress() && !a.isAnyLocalAddress()
        && !(a instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress());
  }
}
