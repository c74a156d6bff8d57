package dev.fairlead.lb.tck;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.TrafficPolicy;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * A spec that needs exactly one thing the provider does not advertise (rule lb110).
 *
 * @param description what the spec asks for, for messages
 * @param spec the spec, otherwise within the capabilities
 */
record CapabilityGap(String description, LoadBalancerSpec spec) {

  /**
   * The first gap the kit can construct, in a fixed order: a protocol, mixed protocols, source
   * ranges, a requested address, the {@code Local} policy, an IP family.
   */
  static Optional<CapabilityGap> first(
      ProviderCapabilities capabilities, Specs specs, TckSettings settings) {
    Optional<Protocol> protocol =
        Arrays.stream(Protocol.values())
            .filter(p -> !capabilities.protocols().contains(p))
            .findFirst();
    if (protocol.isPresent()) {
      return gap(
          "protocol " + protocol.get(),
          specs.forNewService().ports(Specs.port(protocol.get(), 80)).build());
    }
    if (!capabilities.mixedProtocols() && capabilities.protocols().size() > 1) {
      Protocol other =
          capabilities.protocols().stream()
              .filter(p -> p != specs.protocol())
              .sorted()
              .findFirst()
              .orElseThrow();
      return gap(
          "mixed protocols " + specs.protocol() + " and " + other,
          specs
              .forNewService()
              .ports(Specs.port(specs.protocol(), 80), Specs.port(other, 81))
              .build());
    }
    if (!capabilities.sourceRanges()) {
      return gap(
          "loadBalancerSourceRanges",
          specs.forNewService().sourceRanges(Cidr.parse("203.0.113.0/24")).build());
    }
    if (!capabilities.requestedAddresses()) {
      InetAddress address =
          settings
              .requestableAddress()
              .filter(a -> capabilities.ipFamilies().contains(IpFamily.of(a)))
              .orElseGet(() -> documentationAddress(specs.family()));
      return gap(
          "requested address " + address.getHostAddress(),
          specs.forNewService().requestedAddresses(address).build());
    }
    if (!capabilities.localTrafficPolicy()) {
      return gap(
          "externalTrafficPolicy Local",
          specs.forNewService().trafficPolicy(new TrafficPolicy.Local(32123)).build());
    }
    Optional<IpFamily> family =
        Arrays.stream(IpFamily.values())
            .filter(f -> !capabilities.ipFamilies().contains(f))
            .findFirst();
    return family.map(
        f -> new CapabilityGap("IP family " + f, specs.forNewService().ipFamilies(f).build()));
  }

  private static Optional<CapabilityGap> gap(String description, LoadBalancerSpec spec) {
    return Optional.of(new CapabilityGap(description, spec));
  }

  // RFC 5737 / RFC 3849 documentation addresses: never routable, never someone's real address.
  private static InetAddress documentationAddress(IpFamily family) {
    return InetAddress.ofLiteral(family == IpFamily.IPV4 ? "192.0.2.123" : "2001:db8::7b");
  }
}
