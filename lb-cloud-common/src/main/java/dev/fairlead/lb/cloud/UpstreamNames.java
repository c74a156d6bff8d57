package dev.fairlead.lb.cloud;

import dev.fairlead.lb.api.ServiceKey;
import java.util.Locale;

/**
 * Names as the upstream Kubernetes cloud providers derive them, so a cluster that moves from the
 * upstream cloud-controller-manager finds (adopts) the load balancers that already exist instead of
 * creating new ones with new addresses.
 */
public final class UpstreamNames {
  private static final int MAX_LENGTH = 32;

  private UpstreamNames() {}

  /**
   * The upstream default load-balancer name ({@code cloudprovider.DefaultLoadBalancerName}):
   * {@code "a"} followed by the Service UID without dashes, cut to 32 characters. The in-tree AWS
   * provider, cloud-provider-gcp and cloud-provider-azure all start from it.
   *
   * @param service the Service
   * @return the name, such as {@code a4d6f1b2c3e5f60718293a4b5c6d7e8f}
   */
  public static String loadBalancerName(ServiceKey service) {
    String name = "a" + service.uid().replace("-", "").toLowerCase(Locale.ROOT);
    return name.length() > MAX_LENGTH ? name.substring(0, MAX_LENGTH) : name;
  }
}
