package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Announces the addresses of some pools over BGP ({@code bgpadvertisements.baremetal.fairlead.dev}),
 * MetalLB's {@code BGPAdvertisement} with the same field names. A pool selected by any
 * BGPAdvertisement is announced by BGP; it is announced by ARP/NDP only if an L2Advertisement
 * selects it too.
 */
@Group(IPAddressPool.GROUP)
@Version(IPAddressPool.VERSION)
@Kind("BGPAdvertisement")
@Plural("bgpadvertisements")
public class BGPAdvertisement extends CustomResource<BGPAdvertisementSpec, BGPAdvertisementStatus> {
  private static final long serialVersionUID = 1L;
}
