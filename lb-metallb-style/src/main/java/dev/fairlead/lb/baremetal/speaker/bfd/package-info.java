/**
 * Bidirectional Forwarding Detection in asynchronous mode (RFC 5880) for single-hop IP peers (RFC
 * 5881): {@link dev.fairlead.lb.baremetal.speaker.bfd.BfdPacket} and {@link
 * dev.fairlead.lb.baremetal.speaker.bfd.BfdSession} are pure (packets and a fake clock in, packets
 * and state changes out); {@link dev.fairlead.lb.baremetal.speaker.bfd.BfdService} runs them over
 * UDP port 3784 with TTL 255.
 */
package dev.fairlead.lb.baremetal.speaker.bfd;
