package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Consumer;

/** IPAddressPools in the fake API server, for tests. */
final class Pools {
  private Pools() {}

  static IPAddressPool create(KubernetesClient client, String name, String... addresses) {
    return create(client, name, spec -> {}, addresses);
  }

  static IPAddressPool create(KubernetesClient client, String name, Consumer<IPAddressPoolSpec> change,
      String... addresses) {
    IPAddressPool pool = new IPAddressPool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of(addresses));
    change.accept(spec);
    pool.setSpec(spec);
    return client.resources(IPAddressPool.class).resource(pool).create();
  }

  static void setAddresses(KubernetesClient client, String name, String... addresses) {
    client.resources(IPAddressPool.class).withName(name).edit(pool -> {
      pool.getSpec().setAddresses(List.of(addresses));
      return pool;
    });
  }

  static IPAddressPool get(KubernetesClient client, String name) {
    return client.resources(IPAddressPool.class).withName(name).get();
  }
}
