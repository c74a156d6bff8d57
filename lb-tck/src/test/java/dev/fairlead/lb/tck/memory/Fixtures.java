package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.tck.TestNodes;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Specs and providers for the in-memory provider's own tests. */
final class Fixtures {
  private Fixtures() {}

  static InMemoryLoadBalancerProvider provider(InMemoryCloud cloud, String cluster) {
    return provider(cloud, cluster, InMemoryAddressing.defaults());
  }

  static InMemoryLoadBalancerProvider provider(
      InMemoryCloud cloud, String cluster, InMemoryAddressing addressing) {
    return new InMemoryLoadBalancerProvider(
        cloud, cluster, new InMemoryProviderFactory().capabilities(), addressing);
  }

  static ServiceKey key(String name) {
    return new ServiceKey("default", name, "0000-" + name);
  }

  static LoadBalancerSpec spec(String name, IpFamily... families) {
    return new LoadBalancerSpec(
        key(name),
        List.of(new PortMapping("http", Protocol.TCP, 80, 30080)),
        TestNodes.three(),
        List.of(),
        List.of(),
        new TrafficPolicy.Cluster(),
        families.length == 0 ? List.of(IpFamily.IPV4) : List.of(families),
        Map.of());
  }

  static LoadBalancerSpec requesting(String name, String... addresses) {
    List<InetAddress> requested = Arrays.stream(addresses).map(InetAddress::ofLiteral).toList();
    LoadBalancerSpec base = spec(name);
    return new LoadBalancerSpec(
        base.service(),
        base.ports(),
        base.backends(),
        requested,
        List.of(),
        base.trafficPolicy(),
        requested.stream().map(IpFamily::of).distinct().toList(),
        Map.of());
  }

  static LoadBalancerStatus ips(String... addresses) {
    return new LoadBalancerStatus(
        Arrays.stream(addresses)
            .<LoadBalancerStatus.Ingress>map(
                a -> new LoadBalancerStatus.Ip(InetAddress.ofLiteral(a)))
            .toList());
  }
}
