package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A cluster-scoped BGP router the speakers peer with ({@code bgppeers.baremetal.fairlead.dev}),
 * MetalLB's {@code BGPPeer} with the same field names. The schema is in {@code
 * deploy/crds/bgppeers.baremetal.fairlead.dev.yaml}; each speaker reports its session in {@code
 * status.nodes.<node>}.
 */
@Group(IPAddressPool.GROUP)
@Version(IPAddressPool.VERSION)
@Kind("BGPPeer")
@Plural("bgppeers")
public class BGPPeer extends CustomResource<BGPPeerSpec, BGPPeerStatus> {
  private static final long serialVersionUID = 1L;
}
