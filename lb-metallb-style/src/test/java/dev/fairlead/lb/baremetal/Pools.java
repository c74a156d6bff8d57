package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** IPAddressPools in the fake API server, for tests. */
final class Pools {
  private Pools() {}

  static IPAddressPool create(KubernetesClient client, String name, String... addresses) {
    IPAddressPool pool = new IPAddressPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of(addresses));
    pool.setSpec(spec);
    return client.resources(IPAddressPool.class).resource(pool).create();
  }

  static IPAddressPool get(KubernetesClient client, String name) {
    return client.resources(IPAddressPool.class).withName(name).get();
  }
}
