package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * BFD timers a {@link BGPPeer} refers to by name ({@code bfdprofiles.baremetal.fairlead.dev}),
 * MetalLB's {@code BFDProfile} with the same field names.
 */
@Group(IPAddressPool.GROUP)
@Version(IPAddressPool.VERSION)
@Kind("BFDProfile")
@Plural("bfdprofiles")
public class BFDProfile extends CustomResource<BFDProfileSpec, Void> {
  private static final long serialVersionUID = 1L;
}
