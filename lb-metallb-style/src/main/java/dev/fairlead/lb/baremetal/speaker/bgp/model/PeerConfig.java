package dev.fairlead.lb.baremetal.speaker.bgp.model;

import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.baremetal.crd.BFDProfile;
import dev.fairlead.lb.baremetal.crd.BFDProfileSpec;
import dev.fairlead.lb.baremetal.crd.BGPPeer;
import dev.fairlead.lb.baremetal.crd.BGPPeerSpec;
import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.kube.vocabulary.Selectors;
import dev.fairlead.lb.baremetal.speaker.bfd.BfdSettings;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated {@code BGPPeer}.
 *
 * @param name the object's name
 * @param myAsn this cluster's AS
 * @param peerAsn the router's AS
 * @param address the router's address
 * @param port the router's port
 * @param source local address to connect from
 * @param holdTime proposed hold time, seconds
 * @param keepaliveTime keepalive interval, seconds (0 = hold / 3)
 * @param connectTime longest wait between attempts
 * @param routerId BGP identifier, if set
 * @param ebgpMultiHop TTL 255 for a router that is not directly connected
 * @param nodeSelectors nodes that peer; empty = all
 * @param passwordSecret the Secret holding the TCP MD5 password
 * @param bfd BFD parameters, if a profile is set
 * @param gracefulRestart advertise graceful restart
 * @param dualStack announce both families over this session
 */
public record PeerConfig(String name, long myAsn, long peerAsn, InetAddress address, int port,
    Optional<InetAddress> source, int holdTime, int keepaliveTime, Duration connectTime,
    Optional<Inet4Address> routerId, boolean ebgpMultiHop, List<LabelMatcher> nodeSelectors,
    Optional<SecretRef> passwordSecret, Optional<BfdSettings> bfd, boolean gracefulRestart,
    boolean dualStack) {

  /** Copies the list. */
  public PeerConfig {
    nodeSelectors = List.copyOf(nodeSelectors);
  }

  /**
   * A Secret's coordinates.
   *
   * @param namespace namespace
   * @param name name
   */
  public record SecretRef(String namespace, String name) {}

  /**
   * Whether this node peers with the router.
   *
   * @param nodeLabels the node's labels
   * @return true if no selector is set or any matches
   */
  public boolean selects(Map<String, String> nodeLabels) {
    return nodeSelectors.isEmpty() || nodeSelectors.stream().anyMatch(m -> m.matches(nodeLabels));
  }

  /**
   * The TTL of outgoing segments: 1 for a directly connected eBGP peer, as routers expect.
   *
   * @return 1 or 255
   */
  public int ttl() {
    return myAsn != peerAsn && !ebgpMultiHop ? 1 : 255;
  }

  /**
   * Validates a BGPPeer.
   *
   * @param peer the object
   * @param profiles BFD profiles by name
   * @param defaultSecretNamespace namespace of a password Secret that names none
   * @return the configuration, or the error naming the field
   */
  public static Parsed<PeerConfig> parse(BGPPeer peer, Map<String, BFDProfile> profiles,
      String defaultSecretNamespace) {
    String name = peer.getMetadata().getName();
    BGPPeerSpec s = peer.getSpec();
    try {
      if (s == null) {
        throw new IllegalArgumentException("spec is missing");
      }
      long myAsn = asn("spec.myASN", s.myASN());
      long peerAsn = asn("spec.peerASN", s.peerASN());
      unsupported("spec.vrf", s.vrf(), "VRFs");
      unsupported("spec.interface", s.iface(), "unnumbered peering");
      unsupported("spec.dynamicASN", s.dynamicASN(), "dynamic AS numbers");
      if (s.password() != null) {
        throw new IllegalArgumentException("spec.password is not supported: anyone who can read"
            + " BGPPeers could read it; put it in a Secret (key 'password') and set spec.passwordSecret");
      }
      InetAddress address = Parsing.address("spec.peerAddress", s.peerAddress());
      int port = s.peerPort() == null ? 179 : s.peerPort();
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("spec.peerPort must be 1-65535, got " + port);
      }
      Optional<InetAddress> source = Optional.ofNullable(s.sourceAddress())
          .map(a -> Parsing.address("spec.sourceAddress", a));
      if (source.isPresent() && source.get().getClass() != address.getClass()) {
        throw new IllegalArgumentException("spec.sourceAddress and spec.peerAddress must be of one family");
      }
      int hold = (int) seconds("spec.holdTime", s.holdTime(), Duration.ofSeconds(90)).toSeconds();
      if (hold != 0 && (hold < 3 || hold > 65535)) {
        throw new IllegalArgumentException("spec.holdTime must be 0 or 3s-65535s, got " + hold + "s");
      }
      int keepalive = (int) seconds("spec.keepaliveTime", s.keepaliveTime(), Duration.ZERO).toSeconds();
      if (keepalive > hold && hold > 0) {
        throw new IllegalArgumentException("spec.keepaliveTime (" + keepalive
            + "s) must not exceed spec.holdTime (" + hold + "s)");
      }
      Duration connect = seconds("spec.connectTime", s.connectTime(), Duration.ofSeconds(30));
      if (connect.toMillis() < 1000) {
        throw new IllegalArgumentException("spec.connectTime must be at least 1s");
      }
      Optional<Inet4Address> routerId = Optional.ofNullable(s.routerID()).map(r -> {
        InetAddress a = Parsing.address("spec.routerID", r);
        if (!(a instanceof Inet4Address v4) || a.isAnyLocalAddress()) {
          throw new IllegalArgumentException("spec.routerID must be a non-zero IPv4 address, got '" + r + "'");
        }
        return v4;
      });
      List<LabelMatcher> selectors = selectors("spec.nodeSelectors", s.nodeSelectors());
      Optional<SecretRef> secret = Optional.ofNullable(s.passwordSecret()).map(r -> {
        if (r.name() == null || r.name().isBlank()) {
          throw new IllegalArgumentException("spec.passwordSecret.name is missing");
        }
        return new SecretRef(r.namespace() == null || r.namespace().isBlank()
            ? defaultSecretNamespace : r.namespace(), r.name());
      });
      boolean multiHop = Boolean.TRUE.equals(s.ebgpMultiHop());
      Optional<BfdSettings> bfd = Optional.empty();
      if (s.bfdProfile() != null && !s.bfdProfile().isBlank()) {
        if (multiHop) {
          throw new IllegalArgumentException("spec.bfdProfile: BFD is single-hop only here (RFC"
              + " 5881); it cannot be combined with spec.ebgpMultiHop");
        }
        BFDProfile profile = profiles.get(s.bfdProfile());
        if (profile == null) {
          throw new IllegalArgumentException("spec.bfdProfile: BFDProfile '" + s.bfdProfile()
              + "' does not exist");
        }
        bfd = Optional.of(bfd(profile));
      }
      return Parsed.ok(new PeerConfig(name, myAsn, peerAsn, address, port, source, hold, keepalive,
          connect, routerId, multiHop, selectors, secret, bfd,
          Boolean.TRUE.equals(s.enableGracefulRestart()),
          Boolean.TRUE.equals(s.dualStackAddressFamily())));
    } catch (IllegalArgumentException e) {
      return Parsed.error(e.getMessage());
    }
  }

  static BfdSettings bfd(BFDProfile profile) {
    String where = "BFDProfile '" + profile.getMetadata().getName() + "': ";
    BFDProfileSpec p = profile.getSpec() == null
        ? new BFDProfileSpec(null, null, null, null, null, null, null) : profile.getSpec();
    if (Boolean.TRUE.equals(p.echoMode())) {
      throw new IllegalArgumentException(where + "echoMode is not supported");
    }
    try {
      return new BfdSettings(
          Duration.ofMillis(p.transmitInterval() == null ? 300 : p.transmitInterval()),
          Duration.ofMillis(p.receiveInterval() == null ? 300 : p.receiveInterval()),
          p.detectMultiplier() == null ? 3 : p.detectMultiplier(),
          Boolean.TRUE.equals(p.passiveMode()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
  }

  private static long asn(String field, Long value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value < 1 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(field + " must be 1-4294967295, got " + value);
    }
    return value;
  }

  private static void unsupported(String field, String value, String what) {
    if (value != null && !value.isBlank()) {
      throw new IllegalArgumentException(field + ": " + what + " are not supported");
    }
  }

  private static Duration seconds(String field, String text, Duration otherwise) {
    if (text == null || text.isBlank()) {
      return otherwise;
    }
    try {
      Duration d = ProviderSettings.parseDuration(text.strip());
      if (d.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is not a duration such as 90s or 3m");
    }
  }

  static List<LabelMatcher> selectors(String field, List<LabelSelector> selectors) {
    List<LabelMatcher> result = new ArrayList<>();
    if (selectors != null) {
      for (int i = 0; i < selectors.size(); i++) {
        try {
          result.add(Selectors.matcher(selectors.get(i)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(field + "[" + i + "]: " + e.getMessage(), e);
        }
      }
    }
    return result;
  }
}
