package dev.fairlead.lb.baremetal.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * What a {@link BGPPeer} says; validated by the speaker ({@code PeerConfig}), which reports errors in
 * the status. Field names are MetalLB's.
 *
 * @param myASN this cluster's AS number (1 to 2^32-1)
 * @param peerASN the router's AS number
 * @param peerAddress the router's IPv4 or IPv6 address
 * @param peerPort the router's port (default 179)
 * @param sourceAddress local address to connect from (default: chosen by routing)
 * @param holdTime proposed hold time such as {@code 90s} (0 or at least 3 s)
 * @param keepaliveTime keepalive interval (default: a third of the hold time)
 * @param connectTime longest wait between connection attempts (default 30 s)
 * @param routerID BGP identifier (default: the node's IPv4 address)
 * @param ebgpMultiHop the eBGP peer is not directly connected (TTL 255 instead of 1)
 * @param nodeSelectors the nodes that peer (default: all)
 * @param password not supported: a password in a custom resource is readable by anyone who can
 *     read BGPPeers; use {@code passwordSecret}
 * @param passwordSecret the Secret with the TCP MD5 password in its {@code password} key
 * @param bfdProfile name of a {@link BFDProfile}: run BFD with the router
 * @param enableGracefulRestart advertise graceful restart so a speaker restart keeps the routes
 * @param dualStackAddressFamily announce both IPv4 and IPv6 over this one session
 * @param vrf not supported (MetalLB FRR mode only)
 * @param iface not supported (unnumbered BGP)
 * @param dynamicASN not supported
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BGPPeerSpec(
    Long myASN,
    Long peerASN,
    String peerAddress,
    Integer peerPort,
    String sourceAddress,
    String holdTime,
    String keepaliveTime,
    String connectTime,
    String routerID,
    Boolean ebgpMultiHop,
    List<LabelSelector> nodeSelectors,
    String password,
    SecretReference passwordSecret,
    String bfdProfile,
    Boolean enableGracefulRestart,
    Boolean dualStackAddressFamily,
    String vrf,
    @JsonProperty("interface") String iface,
    String dynamicASN) {

  /**
   * A Secret by name.
   *
   * @param name Secret name
   * @param namespace its namespace (default: the speaker's)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SecretReference(String name, String namespace) {}
}
