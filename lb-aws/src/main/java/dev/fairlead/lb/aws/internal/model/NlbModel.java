package dev.fairlead.lb.aws.internal.model;

import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.cloud.Fingerprint;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything one Service's NLB should look like, computed without I/O from the spec and its
 * annotations. {@link #modelHash()} covers everything but the targets, {@link #targetsHash()} the
 * targets; both are written as tags on the NLB so a restarted controller can tell, from one batched
 * describe, that nothing needs doing.
 *
 * @param service the Service
 * @param loadBalancerName the NLB name
 * @param internal internal scheme rather than internet-facing
 * @param subnets where the subnets come from
 * @param eipAllocations Elastic IP allocations, one per subnet, or empty
 * @param privateIpv4Addresses private addresses, one per subnet, or empty
 * @param tags the ownership and user tags every resource gets
 * @param crossZone the cross-zone attribute, if the annotation sets it
 * @param listeners the listeners, by port
 * @param targetGroups the target groups, by name
 * @param byoSecurityGroups user security groups replacing the managed frontend group, or empty
 * @param frontendSecurityGroupName the managed frontend group's name
 * @param frontendRules the managed frontend group's ingress rules
 * @param targets the instance IDs every target group should hold
 * @param skippedNodes nodes that cannot be targets (no AWS instance ID)
 * @param adoptableName the name of an NLB the upstream in-tree provider may have created for this
 *     Service ({@code a<uid>}, when the Service asks for {@code type: nlb} as upstream required), to
 *     adopt instead of creating a second one; empty otherwise
 */
public record NlbModel(
    ServiceKey service,
    String loadBalancerName,
    boolean internal,
    Subnets subnets,
    List<String> eipAllocations,
    List<String> privateIpv4Addresses,
    Map<String, String> tags,
    Optional<Boolean> crossZone,
    List<ListenerModel> listeners,
    List<TargetGroupModel> targetGroups,
    List<String> byoSecurityGroups,
    String frontendSecurityGroupName,
    SortedSet<IngressRule> frontendRules,
    SortedSet<String> targets,
    List<String> skippedNodes,
    Optional<String> adoptableName) {

  /** Tag: the cluster owns the resource. */
  public static final String CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/";

  /** Tag: {@code namespace/name} of the Service. */
  public static final String SERVICE_NAME_TAG = "kubernetes.io/service-name";

  /** Tag: the Service UID, to tell a re-created Service apart. */
  public static final String SERVICE_UID_TAG = "fairlead.dev/service-uid";

  /** Tag: which part of Fairlead's layout a resource is. */
  public static final String ROLE_TAG = "fairlead.dev/role";

  /** NLB tag: {@link #modelHash()} of what was applied. */
  public static final String MODEL_HASH_TAG = "fairlead.dev/model-hash";

  /** NLB tag: {@link #targetsHash()} of what was registered. */
  public static final String TARGETS_HASH_TAG = "fairlead.dev/targets-hash";

  /** NLB tag: the target group ID suffixes, in {@link #targetGroups()} order. */
  public static final String TARGET_GROUP_IDS_TAG = "fairlead.dev/target-group-ids";

  /** Validates and copies. */
  public NlbModel {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(loadBalancerName, "loadBalancerName");
    Objects.requireNonNull(subnets, "subnets");
    eipAllocations = List.copyOf(eipAllocations);
    privateIpv4Addresses = List.copyOf(privateIpv4Addresses);
    tags = Map.copyOf(tags);
    Objects.requireNonNull(crossZone, "crossZone");
    listeners = List.copyOf(listeners);
    targetGroups = List.copyOf(targetGroups);
    byoSecurityGroups = List.copyOf(byoSecurityGroups);
    Objects.requireNonNull(frontendSecurityGroupName, "frontendSecurityGroupName");
    frontendRules = new TreeSet<>(frontendRules);
    targets = new TreeSet<>(targets);
    skippedNodes = List.copyOf(skippedNodes);
    Objects.requireNonNull(adoptableName, "adoptableName");
  }

  /**
   * Whether Fairlead manages the frontend security group (no user groups given).
   *
   * @return true if managed
   */
  public boolean managedFrontend() {
    return byoSecurityGroups.isEmpty();
  }

  /**
   * The hash of everything but the targets, 16 hex characters.
   *
   * @return the hash
   */
  public String modelHash() {
    StringBuilder canonical = new StringBuilder();
    canonical.append(loadBalancerName).append('|').append(internal).append('|');
    canonical.append(subnets).append('|').append(eipAllocations).append('|');
    canonical.append(privateIpv4Addresses).append('|').append(new TreeMap<>(tags)).append('|');
    canonical.append(crossZone).append('|');
    for (ListenerModel l : listeners) {
      canonical.append(l.port()).append('/').append(l.protocol()).append("->");
      canonical.append(l.targetGroup().name()).append(l.certificateArn()).append(l.sslPolicy());
      canonical.append(';');
    }
    for (TargetGroupModel tg : targetGroups) {
      canonical.append(tg.name()).append(new TreeMap<>(tg.attributes())).append(';');
    }
    canonical.append(byoSecurityGroups).append('|').append(frontendSecurityGroupName).append('|');
    canonical.append(frontendRules);
    return Fingerprint.prefix(16, canonical.toString());
  }

  /**
   * The hash of the target set, 16 hex characters.
   *
   * @return the hash
   */
  public String targetsHash() {
    return Fingerprint.prefix(16, String.join(",", targets));
  }

  /**
   * The ownership tags plus a role tag.
   *
   * @param role the role, such as {@code target-group}
   * @return the tags
   */
  public Map<String, String> tagsFor(String role) {
    TreeMap<String, String> all = new TreeMap<>(tags);
    all.put(ROLE_TAG, role);
    return all;
  }

  /**
   * The target group names, for lookups.
   *
   * @return the names
   */
  public Set<String> targetGroupNames() {
    Set<String> names = new TreeSet<>();
    targetGroups.forEach(tg -> names.add(tg.name()));
    return names;
  }
}
