package dev.fairlead.lb.baremetal.speaker.packet;

/** Why a received ARP request or neighbor solicitation gets no answer (a metric label). */
public enum DropReason {
  /** Too short, wrong EtherType, hardware or protocol type, or lengths. */
  MALFORMED,
  /** ARP: not a request (replies and other operations are never answered). */
  NOT_A_REQUEST,
  /** NDP: not a neighbor solicitation. */
  NOT_A_SOLICITATION,
  /** Ethernet destination is neither broadcast nor this interface (nor, for NDP, IPv6 multicast). */
  ETHERNET_DESTINATION,
  /** NDP: hop limit is not 255, so the packet may come from off-link (RFC 4861 §7.1.1). */
  HOP_LIMIT,
  /** NDP: the ICMPv6 checksum does not match. */
  CHECKSUM,
  /** NDP: invalid solicitation (code, target, DAD rules of RFC 4861 §7.1.1). */
  INVALID,
  /** NDP: IPv6 destination is neither the target nor its solicited-node group. */
  IP_DESTINATION,
  /** ARP: the sender announces the target address itself (gratuitous ARP); nothing to answer. */
  GRATUITOUS,
  /** The target is not a VIP this node is elected for on this interface. */
  NOT_OWNED
}
