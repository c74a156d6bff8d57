package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A cluster-scoped rule saying which address pools the layer-2 speaker announces, from which nodes
 * and on which interfaces ({@code l2advertisements.baremetal.fairlead.dev}); MetalLB's
 * L2Advertisement with the same field names. Without any L2Advertisement, every pool that no
 * BGPAdvertisement selects is announced from every eligible node on every interface. The schema
 * users see is in {@code deploy/crds/l2advertisements.baremetal.fairlead.dev.yaml}.
 */
@Group(IPAddressPool.GROUP)
@Version(IPAddressPool.VERSION)
@Kind("L2Advertisement")
@Plural("l2advertisements")
public class L2Advertisement extends CustomResource<L2AdvertisementSpec, L2AdvertisementStatus> {
  private static final long serialVersionUID = 1L;
}
