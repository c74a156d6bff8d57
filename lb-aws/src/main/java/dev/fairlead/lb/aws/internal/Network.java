package dev.fairlead.lb.aws.internal;

import static dev.fairlead.lb.aws.internal.model.Annotations.SUBNETS;

import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.aws.internal.model.Subnets;
import dev.fairlead.lb.cloud.AmbiguousWriteException;
import dev.fairlead.lb.cloud.CallKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * The cluster-wide network facts and shared security groups: subnets per scheme, the VPC, the node
 * security groups, the shared backend group and its node rules. Discovered with two filtered calls
 * (subnets by role tag, security groups by cluster tag) and then cached; what the provider writes
 * is remembered instead of re-read.
 *
 * <p>A network the user must fix (no tagged subnet, a subnet the annotation names that does not
 * exist) is a {@linkplain ProviderFailureException#userError user error}.
 */
final class Network {
  private static final Logger LOG = LoggerFactory.getLogger(Network.class);
  static final String ROLE_ELB = "kubernetes.io/role/elb";
  static final String ROLE_INTERNAL_ELB = "kubernetes.io/role/internal-elb";

  private final AwsClients aws;
  private final SecurityGroups securityGroups;
  private final String cluster;
  private final String clusterTag;
  private final AwsSettings settings;
  private final Map<String, String> frontends = new ConcurrentHashMap<>();
  private final Map<List<String>, List<String>> named = new ConcurrentHashMap<>();
  private final Set<Integer> extraPortsDone = ConcurrentHashMap.newKeySet();

  private volatile boolean discovered;
  private String vpcId;
  private List<Subnet> subnets = List.of();
  private List<SecurityGroup> nodeGroups = List.of();
  private String backendGroupId;
  private boolean nodeRulesDone;

  Network(AwsClients aws, SecurityGroups securityGroups, String cluster, AwsSettings settings) {
    this.aws = aws;
    this.securityGroups = securityGroups;
    this.cluster = cluster;
    this.clusterTag = NlbModel.CLUSTER_TAG_PREFIX + cluster;
    this.settings = settings;
  }

  /**
   * Two filtered reads: subnets carrying an ELB role tag, security groups carrying our cluster tag.
   */
  synchronized void discover() {
    List<Filter> subnetFilters = new ArrayList<>();
    subnetFilters.add(Filter.builder().name("tag-key").values(ROLE_ELB, ROLE_INTERNAL_ELB).build());
    settings
        .vpcId()
        .ifPresent(v -> subnetFilters.add(Filter.builder().name("vpc-id").values(v).build()));
    List<Subnet> found =
        Pages.all(
            token ->
                aws.gate()
                    .call(
                        "DescribeSubnets",
                        CallKind.READ,
                        () ->
                            aws.ec2()
                                .describeSubnets(b -> b.filters(subnetFilters).nextToken(token))),
            DescribeSubnetsResponse::subnets,
            DescribeSubnetsResponse::nextToken);
    // Subnets tagged for another cluster only are not ours to use.
    List<Subnet> usable =
        found.stream()
            .filter(
                s ->
                    s.tags().stream()
                            .noneMatch(t -> t.key().startsWith(NlbModel.CLUSTER_TAG_PREFIX))
                        || s.tags().stream().anyMatch(t -> t.key().equals(clusterTag)))
            .toList();
    vpcId = settings.vpcId().orElseGet(() -> pickVpc(usable));
    subnets = usable.stream().filter(s -> vpcId == null || vpcId.equals(s.vpcId())).toList();

    List<SecurityGroup> nodes = new ArrayList<>();
    backendGroupId = null;
    for (SecurityGroup group : securityGroups.withTagKey(clusterTag, Optional.ofNullable(vpcId))) {
      Optional<String> role = Tags.ec2Value(group.tags(), NlbModel.ROLE_TAG);
      if (role.isEmpty()) {
        nodes.add(group);
      } else if (role.get().equals("backend")
          && group.groupName().equals(Names.backendSecurityGroup(cluster))) {
        backendGroupId = group.groupId();
      } else if (role.get().equals("frontend")) {
        Tags.ec2Value(group.tags(), NlbModel.SERVICE_UID_TAG)
            .ifPresent(uid -> frontends.put(uid, group.groupId()));
      }
    }
    nodeGroups = List.copyOf(nodes);
    nodeRulesDone = backendGroupId != null && nodes.stream().allMatch(this::hasNodeRule);
    discovered = true;
    LOG.info(
        "AWS network of cluster {}: VPC {}, {} ELB subnets, {} node security groups, backend group"
            + " {}",
        cluster,
        vpcId,
        subnets.size(),
        nodes.size(),
        backendGroupId);
  }

  void ensureDiscovered() {
    if (!discovered) {
      synchronized (this) {
        if (!discovered) { // another caller may have discovered while this one waited
          discover();
        }
      }
    }
  }

  synchronized String vpcId() {
    if (vpcId == null) {
      throw ProviderFailureException.userError(
          "no VPC: no subnet is tagged "
              + ROLE_ELB
              + " or "
              + ROLE_INTERNAL_ELB
              + " for cluster "
              + cluster
              + "; tag subnets or set 'vpcId' in the provider config");
    }
    return vpcId;
  }

  /** The subnet IDs an NLB of the model goes into. */
  List<String> subnetIds(NlbModel model) {
    return switch (model.subnets()) {
      case Subnets.Discover d -> subnetsFor(model.internal());
      case Subnets.Named n -> resolve(n.refs());
    };
  }

  /** One subnet per zone for a scheme: cluster-tagged first, then by ID. */
  private synchronized List<String> subnetsFor(boolean internal) {
    String role = internal ? ROLE_INTERNAL_ELB : ROLE_ELB;
    Map<String, Subnet> perZone = new TreeMap<>();
    subnets.stream()
        .filter(s -> s.tags().stream().anyMatch(t -> t.key().equals(role)))
        .sorted(clusterTaggedFirst())
        .forEach(s -> perZone.putIfAbsent(s.availabilityZone(), s));
    if (perZone.isEmpty()) {
      throw ProviderFailureException.userError(
          "no subnet is tagged "
              + role
              + " in VPC "
              + vpcId
              + "; tag one per zone or name them with the annotation "
              + SUBNETS);
    }
    return perZone.values().stream().map(Subnet::subnetId).toList();
  }

  /** Resolves annotation subnet references (IDs or Name tags) with one filtered read, cached. */
  private List<String> resolve(List<String> refs) {
    return named.computeIfAbsent(
        List.copyOf(refs),
        r -> {
          List<String> ids = r.stream().filter(x -> x.startsWith("subnet-")).toList();
          List<String> names = r.stream().filter(x -> !x.startsWith("subnet-")).toList();
          List<Subnet> found = new ArrayList<>();
          if (!ids.isEmpty()) {
            found.addAll(describeSubnets(b -> b.subnetIds(ids)));
          }
          if (!names.isEmpty()) {
            found.addAll(
                describeSubnets(
                    b -> b.filters(Filter.builder().name("tag:Name").values(names).build())));
          }
          List<String> resolved = new ArrayList<>();
          for (String ref : r) {
            resolved.add(
                found.stream()
                    .filter(
                        s ->
                            s.subnetId().equals(ref)
                                || Tags.ec2Value(s.tags(), "Name").orElse("").equals(ref))
                    .map(Subnet::subnetId)
                    .findFirst()
                    .orElseThrow(
                        () ->
                            ProviderFailureException.userError(
                                SUBNETS
                                    + ": subnet '"
                                    + ref
                                    + "' does not exist (neither an ID nor a Name tag in the"
                                    + " region)")));
          }
          return List.copyOf(resolved);
        });
  }

  private List<Subnet> describeSubnets(
      java.util.function.Consumer<
              software.amazon.awssdk.services.ec2.model.DescribeSubnetsRequest.Builder>
          request) {
    try {
      return aws.gate()
          .call("DescribeSubnets", CallKind.READ, () -> aws.ec2().describeSubnets(request))
          .subnets();
    } catch (AwsServiceException e) {
      if (AwsErrors.is(e, "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed")) {
        throw ProviderFailureException.userError(
            SUBNETS + ": " + AwsErrors.code(e) + ": " + AwsErrors.message(e));
      }
      throw e;
    }
  }

  Optional<String> knownFrontend(String uid) {
    return Optional.ofNullable(frontends.get(uid));
  }

  void rememberFrontend(String uid, String groupId) {
    frontends.put(uid, groupId);
  }

  void forgetFrontend(String uid) {
    frontends.remove(uid);
  }

  Optional<String> findGroupByName(String name) {
    return securityGroups.findByName(name, vpcId());
  }

  /**
   * The shared backend group, created on first use, and its rule on every node group: node ports
   * from the backend group, one permission per protocol, however many NLBs exist.
   */
  synchronized String ensureBackend() {
    ensureDiscovered();
    if (backendGroupId == null) {
      String name = Names.backendSecurityGroup(cluster);
      try {
        backendGroupId =
            securityGroups.create(
                name,
                vpcId(),
                "Fairlead: every NLB of cluster " + cluster + "; nodes accept node ports from it",
                Map.of(clusterTag, "owned", NlbModel.ROLE_TAG, "backend"));
      } catch (AmbiguousWriteException | AwsServiceException e) {
        if (e instanceof AwsServiceException ase && !AwsErrors.is(ase, "InvalidGroup.Duplicate")) {
          throw ase;
        }
        backendGroupId =
            findGroupByName(name)
                .orElseThrow(
                    () ->
                        new ProviderFailureException(
                            "backend security group " + name + " vanished"));
      }
    }
    if (!nodeRulesDone) {
      if (nodeGroups.isEmpty()) {
        LOG.warn(
            "No security group is tagged {}: nodes must already accept node ports from the NLBs",
            clusterTag);
      }
      for (SecurityGroup node : nodeGroups) {
        if (!hasNodeRule(node)) {
          List<IpPermission> permissions = new ArrayList<>();
          for (String protocol : List.of("tcp", "udp")) {
            permissions.add(
                fromBackend(
                    protocol,
                    settings.nodePortMin(),
                    settings.nodePortMax(),
                    "Fairlead: node ports from NLBs of cluster " + cluster));
          }
          securityGroups.authorizeShared(node.groupId(), permissions);
        }
      }
      nodeRulesDone = true;
    }
    return backendGroupId;
  }

  /**
   * Opens a health-check port outside the node-port range (such as kube-proxy's 10256) on the node
   * groups, from the backend group: one permission per distinct port, shared by every NLB.
   */
  synchronized void ensureNodePort(int port) {
    if (port >= settings.nodePortMin() && port <= settings.nodePortMax()
        || extraPortsDone.contains(port)) {
      return;
    }
    String backend = ensureBackend();
    for (SecurityGroup node : nodeGroups) {
      if (!allowsFromBackend(node, "tcp", port, port)) {
        securityGroups.authorizeShared(
            node.groupId(),
            List.of(
                fromBackend("tcp", port, port, "Fairlead: NLB health checks of cluster " + cluster)));
      }
    }
    LOG.debug("Health-check port {} open from backend group {}", port, backend);
    extraPortsDone.add(port);
  }

  private IpPermission fromBackend(String protocol, int from, int to, String description) {
    return IpPermission.builder()
        .ipProtocol(protocol)
        .fromPort(from)
        .toPort(to)
        .userIdGroupPairs(
            UserIdGroupPair.builder().groupId(backendGroupId).description(description).build())
        .build();
  }

  private boolean hasNodeRule(SecurityGroup node) {
    return backendGroupId != null
        && List.of("tcp", "udp").stream()
            .allMatch(
                protocol ->
                    allowsFromBackend(
                        node, protocol, settings.nodePortMin(), settings.nodePortMax()));
  }

  private boolean allowsFromBackend(SecurityGroup node, String protocol, int from, int to) {
    return node.ipPermissions().stream()
        .anyMatch(
            p ->
                protocol.equals(p.ipProtocol())
                    && p.fromPort() != null
                    && p.fromPort() <= from
                    && p.toPort() != null
                    && p.toPort() >= to
                    && p.userIdGroupPairs().stream()
                        .anyMatch(g -> backendGroupId.equals(g.groupId())));
  }

  private Comparator<Subnet> clusterTaggedFirst() {
    return Comparator.<Subnet, Boolean>comparing(
            s -> s.tags().stream().noneMatch(t -> t.key().equals(clusterTag)))
        .thenComparing(Subnet::subnetId);
  }

  private String pickVpc(List<Subnet> usable) {
    return usable.stream().sorted(clusterTaggedFirst()).map(Subnet::vpcId).findFirst().orElse(null);
  }
}
