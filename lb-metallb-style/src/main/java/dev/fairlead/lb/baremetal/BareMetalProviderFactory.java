package dev.fairlead.lb.baremetal;

import dev.fairlead.controller.host.ClusterHost;
import dev.fairlead.controller.host.ClusterProviderFactory;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.baremetal.kube.KubeBareMetalCluster;
import java.time.Duration;
import java.util.Set;

/**
 * {@code --provider baremetal}: virtual IPs from IPAddressPools, announced by the speakers. It runs
 * inside the controller and keeps its pools in the cluster, so it takes the controller's {@link
 * ClusterHost}. Settings: {@code retryWhenExhausted} (default 10s), {@code writePoolStatus}
 * (default: true for the controller without a load-balancer class, the pools' one status writer).
 */
public final class BareMetalProviderFactory implements ClusterProviderFactory {
  /** The provider's name. */
  public static final String NAME = "baremetal";

  /** Used by {@link java.util.ServiceLoader}. */
  public BareMetalProviderFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Virtual IPs from IPAddressPools, announced with ARP/NDP by the speaker DaemonSet";
  }

  @Override
  public ProviderCapabilities capabilities() {
    // Source ranges are enforced by kube-proxy on the nodes for the published IP.
    return new ProviderCapabilities(Set.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP), true, true,
        true, true, Set.of(IpFamily.IPV4, IpFamily.IPV6));
  }

  @Override
  public LoadBalancerProvider create(ProviderContext context, ClusterHost host) {
    return create(context, new KubeBareMetalCluster(host, context.apiCalls()),
        host.loadBalancerClass().isEmpty());
  }

  /**
   * Creates the provider on any port to the cluster (tests use one in memory).
   *
   * @param context the settings
   * @param cluster the port
   * @param defaultClass whether the controller serves the default class (then it writes pool
   *     status unless {@code writePoolStatus: false})
   * @return the provider
   */
  static LoadBalancerProvider create(ProviderContext context, BareMetalCluster cluster, boolean defaultClass) {
    context.settings().rejectUnknownKeys(Set.of("retryWhenExhausted", "writePoolStatus"));
    Duration retry = context.settings().duration("retryWhenExhausted", Duration.ofSeconds(10));
    boolean ownsStatus = context.settings().bool("writePoolStatus", defaultClass);
    return new BareMetalLoadBalancerProvider(cluster, new BareMetalProviderFactory().capabilities(),
        retry, ownsStatus);
  }
}
