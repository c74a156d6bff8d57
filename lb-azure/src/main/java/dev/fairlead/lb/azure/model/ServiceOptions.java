package dev.fairlead.lb.azure.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a Service's {@code service.beta.kubernetes.io/azure-*} annotations ask for, validated.
 *
 * @param internal {@code azure-load-balancer-internal}
 * @param internalSubnet {@code azure-load-balancer-internal-subnet}
 * @param publicIpResourceGroup {@code azure-load-balancer-resource-group}: where the public IP is
 * @param publicIpName {@code azure-pip-name}: a user-chosen public IP
 * @param dnsLabel {@code azure-dns-label-name}
 * @param publicIpTags {@code azure-pip-tags}
 * @param idleTimeoutMinutes {@code azure-load-balancer-tcp-idle-timeout}, 4 by default
 * @param tcpReset false with {@code azure-load-balancer-disable-tcp-reset}
 * @param floatingIp false with {@code azure-disable-load-balancer-floating-ip}
 * @param probe the {@code azure-load-balancer-health-probe-*} settings for every port
 * @param portProbes the {@code port_<port>_health-probe_*} settings, by Service port
 * @param noRule ports with {@code port_<port>_no_lb_rule}
 * @param noProbe ports with {@code port_<port>_no_probe_rule}
 * @param serviceTags {@code azure-allowed-service-tags}
 * @param ipRanges {@code azure-allowed-ip-ranges}
 * @param sharedSecurityRule {@code azure-shared-securityrule}; true unless set to false
 * @param requestedIpv4 {@code azure-load-balancer-ipv4}
 */
public record ServiceOptions(
    boolean internal,
    Optional<String> internalSubnet,
    Optional<String> publicIpResourceGroup,
    Optional<String> publicIpName,
    Optional<String> dnsLabel,
    Map<String, String> publicIpTags,
    int idleTimeoutMinutes,
    boolean tcpReset,
    boolean floatingIp,
    ProbeSettings probe,
    Map<Integer, ProbeSettings> portProbes,
    Set<Integer> noRule,
    Set<Integer> noProbe,
    List<String> serviceTags,
    List<String> ipRanges,
    boolean sharedSecurityRule,
    Optional<String> requestedIpv4) {

  /** Copies. */
  public ServiceOptions {
    Objects.requireNonNull(internalSubnet, "internalSubnet");
    publicIpTags = Map.copyOf(publicIpTags);
    portProbes = Map.copyOf(portProbes);
    noRule = Set.copyOf(noRule);
    noProbe = Set.copyOf(noProbe);
    serviceTags = List.copyOf(serviceTags);
    ipRanges = List.copyOf(ipRanges);
  }

  /**
   * Probe settings from annotations; empty fields fall back to the next level (per port, then
   * Service, then the defaults).
   *
   * @param protocol {@code Tcp}, {@code Http} or {@code Https}
   * @param port a port number or a Service port name, for per-port settings
   * @param intervalSeconds the interval
   * @param numberOfProbes the failure count
   * @param requestPath the HTTP(S) path
   */
  public record ProbeSettings(Optional<String> protocol, Optional<String> port, OptionalInt intervalSeconds,
      OptionalInt numberOfProbes, Optional<String> requestPath) {
    /**
     * No settings.
     *
     * @return all empty
     */
    public static ProbeSettings none() {
      return new ProbeSettings(Optional.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(),
          Optional.empty());
    }
  }
}
