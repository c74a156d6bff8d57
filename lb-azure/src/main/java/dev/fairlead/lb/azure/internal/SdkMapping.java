package dev.fairlead.lb.azure.internal;

import com.azure.core.management.SubResource;
import com.azure.resourcemanager.network.fluent.models.BackendAddressPoolInner;
import com.azure.resourcemanager.network.fluent.models.FrontendIpConfigurationInner;
import com.azure.resourcemanager.network.fluent.models.LoadBalancerInner;
import com.azure.resourcemanager.network.fluent.models.LoadBalancingRuleInner;
import com.azure.resourcemanager.network.fluent.models.ProbeInner;
import com.azure.resourcemanager.network.fluent.models.PublicIpAddressInner;
import com.azure.resourcemanager.network.fluent.models.SecurityRuleInner;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.IpAllocationMethod;
import com.azure.resourcemanager.network.models.LoadBalancerBackendAddress;
import com.azure.resourcemanager.network.models.LoadBalancerSku;
import com.azure.resourcemanager.network.models.LoadBalancerSkuName;
import com.azure.resourcemanager.network.models.LoadBalancerSkuTier;
import com.azure.resourcemanager.network.models.LoadDistribution;
import com.azure.resourcemanager.network.models.ProbeProtocol;
import com.azure.resourcemanager.network.models.SecurityRuleAccess;
import com.azure.resourcemanager.network.models.SecurityRuleDirection;
import com.azure.resourcemanager.network.models.SecurityRuleProtocol;
import com.azure.resourcemanager.network.models.TransportProtocol;
import dev.fairlead.lb.azure.model.LbDocument;
import dev.fairlead.lb.azure.model.LbStep;
import dev.fairlead.lb.azure.model.SecurityRule;
import dev.fairlead.lb.azure.model.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Translates between the SDK's models and the provider's pure model: reading keeps only the
 * managed fields; writing applies a plan's steps to the load balancer as read, so everything the
 * model does not know (someone's outbound rules, NAT rules, zones) goes back to Azure unchanged.
 */
final class SdkMapping {
  private SdkMapping() {}

  // ---- load balancers ----

  static LbDocument toDocument(LoadBalancerInner lb) {
    if (lb == null) {
      return LbDocument.absent();
    }
    List<LbDocument.Frontend> frontends = new ArrayList<>();
    for (FrontendIpConfigurationInner f : nonNull(lb.frontendIpConfigurations())) {
      LbDocument.Target target;
      if (f.publicIpAddress() != null && f.publicIpAddress().id() != null) {
        target = new LbDocument.Target.PublicIp(f.publicIpAddress().id());
      } else if (f.subnet() != null && f.subnet().id() != null) {
        boolean fixed = IpAllocationMethod.STATIC.equals(f.privateIpAllocationMethod());
        target = new LbDocument.Target.Subnet(f.subnet().id(),
            fixed ? Optional.ofNullable(f.privateIpAddress()) : Optional.empty());
      } else {
        target = new LbDocument.Target.Other();
      }
      frontends.add(new LbDocument.Frontend(f.name(), target, Optional.ofNullable(f.privateIpAddress())));
    }
    List<LbDocument.Rule> rules = new ArrayList<>();
    for (LoadBalancingRuleInner r : nonNull(lb.loadBalancingRules())) {
      rules.add(new LbDocument.Rule(r.name(), lastSegment(r.frontendIpConfiguration()),
          r.protocol() == null ? "" : canonical(r.protocol().toString()), orZero(r.frontendPort()),
          orZero(r.backendPort()), lastSegment(r.backendAddressPool()),
          Optional.ofNullable(r.probe()).map(p -> lastSegment(p)), Boolean.TRUE.equals(r.enableFloatingIp()),
          r.idleTimeoutInMinutes() == null ? 4 : r.idleTimeoutInMinutes(), Boolean.TRUE.equals(r.enableTcpReset()),
          r.loadDistribution() == null ? "Default" : r.loadDistribution().toString()));
    }
    List<LbDocument.Probe> probes = new ArrayList<>();
    for (ProbeInner p : nonNull(lb.probes())) {
      probes.add(new LbDocument.Probe(p.name(), p.protocol() == null ? "" : canonical(p.protocol().toString()),
          orZero(p.port()), Optional.ofNullable(p.requestPath()),
          p.intervalInSeconds() == null ? 15 : p.intervalInSeconds(),
          p.numberOfProbes() == null ? 2 : p.numberOfProbes()));
    }
    List<LbDocument.Pool> pools = new ArrayList<>();
    for (BackendAddressPoolInner p : nonNull(lb.backendAddressPools())) {
      List<LbDocument.PoolAddress> addresses = new ArrayList<>();
      for (LoadBalancerBackendAddress a : nonNull(p.loadBalancerBackendAddresses())) {
        if (a.ipAddress() != null) {
          addresses.add(new LbDocument.PoolAddress(a.name() == null ? a.ipAddress() : a.name(), a.ipAddress()));
        }
      }
      addresses.sort(Comparator.comparing(LbDocument.PoolAddress::name));
      pools.add(new LbDocument.Pool(p.name(), addresses));
    }
    boolean other = !nonNull(lb.outboundRules()).isEmpty() || !nonNull(lb.inboundNatRules()).isEmpty()
        || !nonNull(lb.inboundNatPools()).isEmpty();
    return new LbDocument(true, lb.etag() == null ? "" : lb.etag(), frontends, rules, probes, pools, other);
  }

  /**
   * Applies a plan to the load balancer as read (or a new one).
   *
   * @param base the load balancer as read, or null to create one
   * @param steps the plan
   * @param name the load balancer's name
   * @param topology where things live
   * @return the body to PUT
   */
  static LoadBalancerInner apply(LoadBalancerInner base, List<LbStep> steps, String name, Topology topology) {
    LoadBalancerInner lb = base != null ? base : new LoadBalancerInner().withLocation(topology.location())
        .withSku(new LoadBalancerSku().withName(LoadBalancerSkuName.STANDARD).withTier(LoadBalancerSkuTier.REGIONAL));
    String lbId = topology.loadBalancerId(name);
    List<FrontendIpConfigurationInner> frontends = new ArrayList<>(nonNull(lb.frontendIpConfigurations()));
    List<LoadBalancingRuleInner> rules = new ArrayList<>(nonNull(lb.loadBalancingRules()));
    List<ProbeInner> probes = new ArrayList<>(nonNull(lb.probes()));
    List<BackendAddressPoolInner> pools = new ArrayList<>(nonNull(lb.backendAddressPools()));
    for (LbStep step : steps) {
      switch (step) {
        case LbStep.UpsertFrontend u -> upsert(frontends, FrontendIpConfigurationInner::name, frontend(u.frontend(),
            find(frontends, FrontendIpConfigurationInner::name, u.frontend().name())));
        case LbStep.RemoveFrontend r -> remove(frontends, FrontendIpConfigurationInner::name, r.name());
        case LbStep.UpsertRule u -> upsert(rules, LoadBalancingRuleInner::name, rule(u.rule(), lbId));
        case LbStep.RemoveRule r -> remove(rules, LoadBalancingRuleInner::name, r.name());
        case LbStep.UpsertProbe u -> upsert(probes, ProbeInner::name, probe(u.probe()));
        case LbStep.RemoveProbe r -> remove(probes, ProbeInner::name, r.name());
        case LbStep.SetPool s -> {
          BackendAddressPoolInner pool = find(pools, BackendAddressPoolInner::name, s.pool());
          if (pool == null) {
            pool = new BackendAddressPoolInner().withName(s.pool());
            pools.add(pool);
          }
          List<LoadBalancerBackendAddress> addresses = new ArrayList<>();
          for (LbDocument.PoolAddress a : s.addresses()) {
            addresses.add(new LoadBalancerBackendAddress().withName(a.name()).withIpAddress(a.address())
                .withVirtualNetwork(new SubResource().withId(topology.vnetId())));
          }
          pool.withLoadBalancerBackendAddresses(addresses);
        }
        case LbStep.DeleteLoadBalancer d -> throw new IllegalArgumentException("a delete is not a PUT");
      }
    }
    return lb.withFrontendIpConfigurations(frontends).withLoadBalancingRules(rules).withProbes(probes)
        .withBackendAddressPools(pools);
  }

  private static FrontendIpConfigurationInner frontend(LbDocument.Frontend f, FrontendIpConfigurationInner before) {
    FrontendIpConfigurationInner out = new FrontendIpConfigurationInner().withName(f.name());
    if (before != null && before.zones() != null) {
      out.withZones(before.zones());
    }
    switch (f.target()) {
      case LbDocument.Target.PublicIp p -> out.withPublicIpAddress(new PublicIpAddressInner().withId(p.publicIpId()));
      case LbDocument.Target.Subnet s -> {
        out.withSubnet(new SubnetInner().withId(s.subnetId()));
        if (s.staticAddress().isPresent()) {
          out.withPrivateIpAllocationMethod(IpAllocationMethod.STATIC).withPrivateIpAddress(s.staticAddress().get());
        } else {
          out.withPrivateIpAllocationMethod(IpAllocationMethod.DYNAMIC);
        }
      }
      case LbDocument.Target.Other o -> throw new IllegalArgumentException("cannot write frontend " + f.name());
    }
    return out;
  }

  private static LoadBalancingRuleInner rule(LbDocument.Rule r, String lbId) {
    LoadBalancingRuleInner out = new LoadBalancingRuleInner().withName(r.name())
        .withFrontendIpConfiguration(new SubResource().withId(lbId + "/frontendIPConfigurations/" + r.frontend()))
        .withBackendAddressPool(new SubResource().withId(lbId + "/backendAddressPools/" + r.pool()))
        .withProtocol(TransportProtocol.fromString(r.protocol())).withFrontendPort(r.frontendPort())
        .withBackendPort(r.backendPort()).withEnableFloatingIp(r.floatingIp())
        .withIdleTimeoutInMinutes(r.idleTimeoutMinutes()).withEnableTcpReset(r.tcpReset())
        .withLoadDistribution(LoadDistribution.fromString(r.loadDistribution())).withDisableOutboundSnat(false);
    r.probe().ifPresent(p -> out.withProbe(new SubResource().withId(lbId + "/probes/" + p)));
    return out;
  }

  private static ProbeInner probe(LbDocument.Probe p) {
    ProbeInner out = new ProbeInner().withName(p.name()).withProtocol(ProbeProtocol.fromString(p.protocol()))
        .withPort(p.port()).withIntervalInSeconds(p.intervalSeconds()).withNumberOfProbes(p.numberOfProbes());
    p.requestPath().ifPresent(out::withRequestPath);
    return out;
  }

  // ---- security rules ----

  static SecurityRule toRule(SecurityRuleInner r) {
    List<String> sources = r.sourceAddressPrefixes() != null && !r.sourceAddressPrefixes().isEmpty()
        ? r.sourceAddressPrefixes() : single(r.sourceAddressPrefix());
    List<String> ports = r.destinationPortRanges() != null && !r.destinationPortRanges().isEmpty()
        ? r.destinationPortRanges() : single(r.destinationPortRange());
    List<String> destinations = r.destinationAddressPrefixes() != null && !r.destinationAddressPrefixes().isEmpty()
        ? r.destinationAddressPrefixes() : single(r.destinationAddressPrefix());
    return new SecurityRule(r.name(), r.direction() == null ? "Inbound" : r.direction().toString(),
        r.priority() == null ? 0 : r.priority(), r.protocol() == null ? "*" : canonical(r.protocol().toString()),
        sorted(sources), ports, sorted(destinations), Optional.ofNullable(r.description()));
  }

  static SecurityRuleInner toInner(SecurityRule r) {
    SecurityRuleInner out = new SecurityRuleInner().withName(r.name())
        .withProtocol(SecurityRuleProtocol.fromString(r.protocol())).withAccess(SecurityRuleAccess.ALLOW)
        .withDirection(SecurityRuleDirection.fromString(r.direction())).withPriority(r.priority())
        .withSourcePortRange("*").withDestinationPortRanges(r.ports())
        .withDestinationAddressPrefixes(r.destinations());
    if (r.sources().size() == 1) {
      out.withSourceAddressPrefix(r.sources().getFirst());
    } else {
      out.withSourceAddressPrefixes(r.sources());
    }
    r.description().ifPresent(out::withDescription);
    return out;
  }

  // ---- helpers ----

  private static <T> T find(List<T> items, Function<T, String> name, String wanted) {
    return items.stream().filter(i -> wanted.equalsIgnoreCase(name.apply(i))).findFirst().orElse(null);
  }

  private static <T> void upsert(List<T> items, Function<T, String> name, T item) {
    String wanted = name.apply(item);
    for (int i = 0; i < items.size(); i++) {
      if (wanted.equalsIgnoreCase(name.apply(items.get(i)))) {
        items.set(i, item);
        return;
      }
    }
    items.add(item);
  }

  private static <T> void remove(List<T> items, Function<T, String> name, String wanted) {
    items.removeIf(i -> wanted.equalsIgnoreCase(name.apply(i)));
  }

  private static String lastSegment(SubResource ref) {
    if (ref == null || ref.id() == null) {
      return "";
    }
    return ref.id().substring(ref.id().lastIndexOf('/') + 1);
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static List<String> single(String value) {
    return value == null ? List.of() : List.of(value);
  }

  private static List<String> sorted(List<String> values) {
    return values.stream().sorted().toList();
  }

  /** {@code TCP} or {@code tcp} to {@code Tcp}, as the model spells protocols. */
  private static String canonical(String protocol) {
    if (protocol.equals("*")) {
      return protocol;
    }
    String lower = protocol.toLowerCase(Locale.ROOT);
    return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
  }
}
