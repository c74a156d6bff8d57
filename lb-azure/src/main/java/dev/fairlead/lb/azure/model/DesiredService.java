package dev.fairlead.lb.azure.model;

import dev.fairlead.lb.api.ServiceKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one Service needs in Azure, derived from its spec and the provider settings.
 *
 * @param service the Service
 * @param owner the owner prefix of its sub-resources
 * @param internal whether it uses the internal load balancer
 * @param loadBalancer the shared load balancer's name
 * @param frontendName its frontend's name
 * @param rules its rules
 * @param probes its probes
 * @param publicIp its public IP, for a public Service
 * @param subnetTarget its frontend target, for an internal Service
 * @param backends the members of the shared backend pool
 * @param securityRules what the Service needs admitted in the security group (empty if none is
 *     managed)
 * @param dedicatedSecurityRules whether it gets rules of its own
 * @param nodePorts its node ports, its identity in rules to the nodes
 */
public record DesiredService(
    ServiceKey service,
    String owner,
    boolean internal,
    String loadBalancer,
    String frontendName,
    List<LbDocument.Rule> rules,
    List<LbDocument.Probe> probes,
    Optional<PublicIpChoice> publicIp,
    Optional<LbDocument.Target.Subnet> subnetTarget,
    List<LbDocument.PoolAddress> backends,
    List<NsgChange.Key> securityRules,
    boolean dedicatedSecurityRules,
    Set<String> nodePorts) {

  /** Copies. */
  public DesiredService {
    Objects.requireNonNull(service, "service");
    rules = List.copyOf(rules);
    probes = List.copyOf(probes);
    Objects.requireNonNull(publicIp, "publicIp");
    Objects.requireNonNull(subnetTarget, "subnetTarget");
    backends = List.copyOf(backends);
    securityRules = List.copyOf(securityRules);
    nodePorts = Set.copyOf(nodePorts);
  }

  /** Which public IP a public Service uses. */
  public sealed interface PublicIpChoice {
    /**
     * A public IP by name, created if missing.
     *
     * @param desired the address resource as it should be
     */
    record Named(DesiredPublicIp desired) implements PublicIpChoice {}

    /**
     * An existing public IP with a given address ({@code spec.loadBalancerIP}), which the user
     * created and keeps.
     *
     * @param resourceGroup where to look
     * @param address the address
     */
    record ByAddress(String resourceGroup, String address) implements PublicIpChoice {}
  }

  /**
   * A public IP address resource as the provider wants it.
   *
   * @param resourceGroup its resource group
   * @param name its name
   * @param tags its tags, ownership tags included
   * @param dnsLabel its DNS label
   * @param userNamed whether the user named it ({@code azure-pip-name}); a user's address that
   *     the provider did not create is never deleted
   */
  public record DesiredPublicIp(String resourceGroup, String name, Map<String, String> tags, Optional<String> dnsLabel,
      boolean userNamed) {
    /** Copies. */
    public DesiredPublicIp {
      Objects.requireNonNull(resourceGroup, "resourceGroup");
      Objects.requireNonNull(name, "name");
      tags = Map.copyOf(tags);
      Objects.requireNonNull(dnsLabel, "dnsLabel");
    }
  }

  /**
   * The Service's part of the load balancer, once its frontend's target is known.
   *
   * @param target the public IP or subnet
   * @return the part
   */
  public LbPart part(LbDocument.Target target) {
    return new LbPart(owner, new LbDocument.Frontend(frontendName, target, Optional.empty()), rules, probes);
  }
}
