package dev.fairlead.lb.baremetal.speaker.net;

import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import java.net.Inet6Address;
import java.util.Optional;

/**
 * A network interface the speaker may answer on.
 *
 * @param name interface name
 * @param index kernel interface index
 * @param mac its Ethernet address
 * @param linkLocal its IPv6 link-local address, the source of neighbor advertisements; without one
 *     the speaker does no NDP on this interface
 */
public record Link(String name, int index, Mac mac, Optional<Inet6Address> linkLocal) {}
