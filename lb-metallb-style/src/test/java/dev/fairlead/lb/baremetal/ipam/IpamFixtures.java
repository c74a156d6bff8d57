package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

final class IpamFixtures {
  private IpamFixtures() {}

  static IPAddressPool pool(String name, String... addresses) {
    IPAddressPool pool = new IPAddressPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(Arrays.asList(addresses));
    pool.setSpec(spec);
    return pool;
  }

  static ServiceKey key(String name) {
    return new ServiceKey("default", name, "uid-" + name);
  }

  static AllocationRequest request(String name) {
    return new AllocationRequest(key(name), Map.of(), List.of(IpFamily.IPV4), List.of(),
        Optional.empty(), Optional.empty(), Set.of("80/TCP"), "");
  }

  static AllocationRequest with(AllocationRequest r, List<IpFamily> families) {
    return new AllocationRequest(r.service(), r.labels(), families, r.requested(), r.pool(),
        r.sharingKey(), r.ports(), r.backendKey());
  }

  static AllocationRequest requesting(AllocationRequest r, String... ips) {
    return new AllocationRequest(r.service(), r.labels(), r.families(),
        Arrays.stream(ips).map(InetAddress::ofLiteral).toList(), r.pool(), r.sharingKey(),
        r.ports(), r.backendKey());
  }

  static AllocationRequest fromPool(AllocationRequest r, String pool) {
    return new AllocationRequest(r.service(), r.labels(), r.families(), r.requested(),
        Optional.of(pool), r.sharingKey(), r.ports(), r.backendKey());
  }

  static AllocationRequest sharing(AllocationRequest r, String key, String... ports) {
    return new AllocationRequest(r.service(), r.labels(), r.families(), r.requested(), r.pool(),
        Optional.of(key), Set.of(ports), r.backendKey());
  }

  static InetAddress ip(String text) {
    return InetAddress.ofLiteral(text);
  }
}
