package dev.fairlead.lb.api;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider can do. The controller rejects a Service that needs more before calling the
 * provider, and the conformance kit skips the optional tests outside these capabilities.
 *
 * @param protocols the protocols a port may use
 * @param mixedProtocols whether one load balancer may serve ports of different protocols
 * @param sourceRanges whether {@code loadBalancerSourceRanges} is enforced
 * @param requestedAddresses whether a Service may ask for specific addresses
 * @param localTrafficPolicy whether {@code externalTrafficPolicy: Local} is honoured
 * @param ipFamilies the address families the provider can serve
 */
public record ProviderCapabilities(
    Set<Protocol> protocols,
    boolean mixedProtocols,
    boolean sourceRanges,
    boolean requestedAddresses,
    boolean localTrafficPolicy,
    Set<IpFamily> ipFamilies) {

  /** Validates and copies. */
  public ProviderCapabilities {
    protocols = Set.copyOf(protocols);
    ipFamilies = Set.copyOf(ipFamilies);
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("a provider supports at least one protocol");
    }
    if (ipFamilies.isEmpty()) {
      throw new IllegalArgumentException("a provider supports at least one IP family");
    }
  }

  /**
   * The first reason {@code spec} exceeds these capabilities, if any; the controller turns it into
   * a Warning event, and providers may use it to fail before side effects (rule lb110).
   *
   * @param spec the spec
   * @return why the spec cannot be served, or empty if it can
   */
  public Optional<String> unsupportedBy(LoadBalancerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    for (PortMapping port : spec.ports()) {
      if (!protocols.contains(port.protocol())) {
        return Optional.of("protocol " + port.protocol() + " (port " + port.label() + ") is not supported");
      }
    }
    if (!mixedProtocols && spec.protocols().size() > 1) {
      return Optional.of("mixed protocols " + spec.protocols() + " on one load balancer are not supported");
    }
    if (!sourceRanges && !spec.sourceRanges().isEmpty()) {
      return Optional.of("loadBalancerSourceRanges are not supported");
    }
    if (!requestedAddresses && !spec.requestedAddresses().isEmpty()) {
      return Optional.of("requesting specific addresses is not supported");
    }
    if (!localTrafficPolicy && spec.trafficPolicy() instanceof TrafficPolicy.Local) {
      return Optional.of("externalTrafficPolicy Local is not supported");
    }
    for (IpFamily family : spec.ipFamilies()) {
      if (!ipFamilies.contains(family)) {
        return Optional.of("IP family " + family + " is not supported");
      }
    }
    return Optional.empty();
  }
}
