package dev.fairlead.lb.baremetal.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Each speaker's session with the peer, under its node's name. Written with JSON merge patches of
 * one node's entry, so speakers never overwrite each other.
 *
 * @param nodes node name to session
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BGPPeerStatus(Map<String, Session> nodes) {

  /**
   * One node's session.
   *
   * @param state Established or Down
   * @param since when it entered that state (RFC 3339)
   * @param lastError why the session last went down or could not start
   * @param prefixesIPv4 IPv4 prefixes the router has from this node
   * @param prefixesIPv6 IPv6 prefixes the router has from this node
   * @param bfd BFD state (Up, Down, Init, AdminDown) when a profile is set
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Session(String state, String since, String lastError, Integer prefixesIPv4,
      Integer prefixesIPv6, String bfd) {}
}
