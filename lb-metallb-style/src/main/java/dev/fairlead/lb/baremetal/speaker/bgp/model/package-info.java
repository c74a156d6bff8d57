/**
 * Pure BGP configuration and planning: {@code BGPPeer}, {@code BGPAdvertisement} and {@code
 * BFDProfile} objects become validated records (or an error naming the field), and {@link
 * dev.fairlead.lb.baremetal.speaker.bgp.model.BgpPlan} decides which prefixes this node announces to
 * which peer with which attributes. No I/O; table-tested.
 */
package dev.fairlead.lb.baremetal.speaker.bgp.model;
