/**
 * The BGP-4 wire format (RFC 4271) with the extensions the speaker uses: capabilities (RFC 5492),
 * 4-octet AS numbers (RFC 6793), multiprotocol IPv4/IPv6 unicast (RFC 4760), communities (RFC
 * 1997), large communities (RFC 8092), graceful restart (RFC 4724, RFC 8538), route refresh (RFC
 * 2918), revised UPDATE error handling (RFC 7606) and shutdown communication (RFC 9003). Pure: bytes
 * in, records out and back, no I/O; every malformed input becomes a {@link
 * dev.fairlead.lb.baremetal.speaker.bgp.wire.MessageError} carrying the NOTIFICATION to send.
 */
package dev.fairlead.lb.baremetal.speaker.bgp.wire;
