/**
 * Bare-metal provider: Address pools and an ARP/NDP speaker (issue 3). Not implemented yet; this module only reserves its place in the build, and registers no
 * provider, so `fairlead providers` does not list it.
 */
package dev.fairlead.lb.baremetal;
