package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Set;

/** {@code --provider baremetal}: virtual IPs from IPAddressPools, announced by the speakers. */
public final class BareMetalProviderFactory implements LoadBalancerProviderFactory {
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
  public LoadBalancerProvider create(ProviderContext context) {
    context.settings().rejectUnknownKeys(Set.of("retryWhenExhausted"));
    KubernetesClient client =
        context.service(KubernetesClient.class)
            .orElseThrow(() -> new ProviderConfigurationException(
                "the baremetal provider keeps its pools in the cluster and needs the controller's"
                    + " Kubernetes client"));
    return new BareMetalLoadBalancerProvider(client, capabilities(),
        context.settings().duration("retryWhenExhausted", java.time.Duration.ofSeconds(10)),
        context.clock());
  }
}
