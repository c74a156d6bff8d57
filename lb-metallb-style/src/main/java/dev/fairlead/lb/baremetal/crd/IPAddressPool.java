package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A cluster-scoped pool of addresses for LoadBalancer Services ({@code
 * ipaddresspools.baremetal.fairlead.dev}). The schema users see is in {@code
 * deploy/crds/ipaddresspools.baremetal.fairlead.dev.yaml}.
 */
@Group(IPAddressPool.GROUP)
@Version(IPAddressPool.VERSION)
@Kind("IPAddressPool")
@Plural("ipaddresspools")
public class IPAddressPool extends CustomResource<IPAddressPoolSpec, IPAddressPoolStatus> {
  private static final long serialVersionUID = 1L;

  /** The API group. */
  public static final String GROUP = "baremetal.fairlead.dev";

  /** The API version. */
  public static final String VERSION = "v1alpha1";

}
