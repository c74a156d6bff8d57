/**
 * The bare-metal provider: virtual IPs from {@code IPAddressPool}s (allocated inside the controller,
 * package {@code ipam}) announced on the local network with ARP and NDP by the speaker DaemonSet
 * (package {@code speaker}).
 */
package dev.fairlead.lb.baremetal;
