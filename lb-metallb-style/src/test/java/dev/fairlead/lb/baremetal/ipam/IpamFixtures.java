package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.ServiceKey;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

final class IpamFixtures {
  private IpamFixtures() {}

  static PoolDefinition pool(String name, String... addresses) {
    return PoolDefinition.of(name, addresses);
  }

  static PoolDefinition created(PoolDefinition p, String instant) {
    return new PoolDefinition(p.name(), Optional.of(Instant.parse(instant)), p.addresses(), p.autoAssign(),
        p.avoidBuggyIps(), p.namespaces(), p.serviceSelector(), p.selectorProblem());
  }

  static PoolDefinition manual(PoolDefinition p) {
    return new PoolDefinition(p.name(), p.created(), p.addresses(), false, p.avoidBuggyIps(),
        p.namespaces(), p.serviceSelector(), p.selectorProblem());
  }

  static PoolDefinition avoidingBuggyIps(PoolDefinition p) {
    return new PoolDefinition(p.name(), p.created(), p.addresses(), p.autoAssign(), true,
        p.namespaces(), p.serviceSelector(), p.selectorProblem());
  }

  static PoolDefinition restricted(PoolDefinition p, Set<String> namespaces, LabelMatcher selector) {
    return new PoolDefinition(p.name(), p.created(), p.addresses(), p.autoAssign(), p.avoidBuggyIps(),
        namespaces, Optional.ofNullable(selector), p.selectorProblem());
  }

  static ServiceKey key(String name) {
    return new ServiceKey("default", name, "uid-" + name);
  }

  static AllocationRequest request(String name) {
    return new AllocationRequest(key(name), Map.of(), List.of(IpFamily.IPV4), List.of(),
        Optional.empty(), Optional.empty());
  }

  static AllocationRequest with(AllocationRequest r, List<IpFamily> families) {
    return new AllocationRequest(r.service(), r.labels(), families, r.requested(), r.pool(), r.sharing());
  }

  static AllocationRequest labelled(AllocationRequest r, Map<String, String> labels) {
    return new AllocationRequest(r.service(), labels, r.families(), r.requested(), r.pool(), r.sharing());
  }

  static AllocationRequest requesting(AllocationRequest r, String... ips) {
    return new AllocationRequest(r.service(), r.labels(), r.families(),
        Arrays.stream(ips).map(InetAddress::ofLiteral).toList(), r.pool(), r.sharing());
  }

  static AllocationRequest fromPool(AllocationRequest r, String pool) {
    return new AllocationRequest(r.service(), r.labels(), r.families(), r.requested(),
        Optional.of(pool), r.sharing());
  }

  static AllocationRequest sharing(AllocationRequest r, String key, String... ports) {
    return sharing(r, new Sharing(key, Set.of(ports), false, Map.of()));
  }

  static AllocationRequest sharing(AllocationRequest r, Sharing terms) {
    return new AllocationRequest(r.service(), r.labels(), r.families(), r.requested(), r.pool(),
        Optional.of(terms));
  }

  static InetAddress ip(String text) {
    return InetAddress.ofLiteral(text);
  }
}
