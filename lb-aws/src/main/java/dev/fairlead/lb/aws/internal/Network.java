package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.aws.internal.CallGate.Kind;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * The cluster-wide network facts and shared security groups: subnets per scheme, the VPC, the node
 * security groups, the shared backend group and its node rules. Discovered with two filtered calls
 * (subnets by role tag, security groups by cluster tag) and then cached; what the provider writes
 * is remembered instead of re-read.
 */
final class Network {
  private static final Logger LOG = LoggerFactory.getLogger(Network.class);
  static final String ROLE_ELB = "kubernetes.io/role/elb";
  static final String ROLE_INTERNAL_ELB = "kubernetes.io/role/internal-elb";

  private final Ec2Client ec2;
  private final CallGate gate;
  private final String cluster;
  private final AwsSettings settings;
  private final Map<String, String> frontends = new ConcurrentHashMap<>();
  private final Map<List<String>, List<String>> named = new ConcurrentHashMap<>();

  private volatile boolean discovered;
  private String vpcId;
  private List<Subnet> subnets = List.of();
  private List<SecurityGroup> nodeGroups = List.of();
  private String backendGroupId;
  private boolean nodeRulesDone;
  private final java.util.Set<Integer> extraPortsDone = ConcurrentHashMap.newKeySet();

  Network(Ec2Client ec2, CallGate gate, String cluster, AwsSettings settings) {
    this.ec2 = ec2;
    this.gate = gate;
    this.cluster = cluster;
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
    List<Subnet> found = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      var page =
          gate.call(
              "DescribeSubnets",
              Kind.IDEMPOTENT,
              () -> ec2.describeSubnets(b -> b.filters(subnetFilters).nextToken(next)));
      found.addAll(page.subnets());
      token = page.nextToken();
    } while (token != null);
    String clusterTag = NlbModel.CLUSTER_TAG_PREFIX + cluster;
    // Subnets tagged for another cluster only are not ours to use.
    List<Subnet> usable =
        found.stream()
            .filter(
                s ->
                    s.tags().stream()
                            .noneMatch(t -> t.key().startsWith(NlbModel.CLUSTER_TAG_PREFIX))
                        || s.tags().stream().anyMatch(t -> t.key().equals(clusterTag)))
            .toList();
    vpcId = settings.vpcId().orElseGet(() -> pickVpc(usable, clusterTag));
    subnets = usable.stream().filter(s -> vpcId == null || vpcId.equals(s.vpcId())).toList();

    List<SecurityGroup> groups = new ArrayList<>();
    List<Filter> sgFilters = new ArrayList<>();
    sgFilters.add(Filter.builder().name("tag-key").values(clusterTag).build());
    if (vpcId != null) {
      sgFilters.add(Filter.builder().name("vpc-id").values(vpcId).build());
    }
    token = null;
    do {
      String next = token;
      var page =
          gate.call(
              "DescribeSecurityGroups",
              Kind.IDEMPOTENT,
              () ->
                  ec2.describeSecurityGroups(
                      b -> b.filters(sgFilters).maxResults(1000).nextToken(next)));
      groups.addAll(page.securityGroups());
      token = page.nextToken();
    } while (token != null);
    List<SecurityGroup> nodes = new ArrayList<>();
    backendGroupId = null;
    for (SecurityGroup group : groups) {
      Optional<String> role = tag(group.tags(), NlbModel.ROLE_TAG);
      if (role.isEmpty()) {
        nodes.add(group);
      } else if (role.get().equals("backend")
          && group.groupName().equals(Names.backendSecurityGroup(cluster))) {
        backendGroupId = group.groupId();
      } else if (role.get().equals("frontend")) {
        tag(group.tags(), NlbModel.SERVICE_UID_TAG)
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

  boolean isDiscovered() {
    return discovered;
  }

  void ensureDiscovered() {
    if (!discovered) {
      discover();
    }
  }

  synchronized String vpcId() {
    if (vpcId == null) {
      throw new ProviderFailureException(
          "no VPC: no subnet is tagged "
              + ROLE_ELB
              + " or "
              + ROLE_INTERNAL_ELB
              + " for cluster "
              + cluster
              + "; tag subnets or set 'vpcId'");
    }
    return vpcId;
  }

  /** One subnet per zone for a scheme: cluster-tagged first, then by ID. */
  synchronized List<String> subnetsFor(boolean internal) {
    String role = internal ? ROLE_INTERNAL_ELB : ROLE_ELB;
    String clusterTag = NlbModel.CLUSTER_TAG_PREFIX + cluster;
    Map<String, Subnet> perZone = new TreeMap<>();
    subnets.stream()
        .filter(s -> s.tags().stream().anyMatch(t -> t.key().equals(role)))
        .sorted(
            Comparator.<Subnet, Boolean>comparing(
                    s -> s.tags().stream().noneMatch(t -> t.key().equals(clusterTag)))
                .thenComparing(Subnet::subnetId))
        .forEach(s -> perZone.putIfAbsent(s.availabilityZone(), s));
    if (perZone.isEmpty()) {
      throw new ProviderFailureException(
          "no subnet is tagged "
              + role
              + " in VPC "
              + vpcId
              + "; tag one per zone or name them with the subnets annotation");
    }
    return perZone.values().stream().map(Subnet::subnetId).toList();
  }

  /** Resolves annotation subnet references (IDs or Name tags) with one filtered read, cached. */
  List<String> resolve(List<String> refs) {
    return named.computeIfAbsent(
        List.copyOf(refs),
        r -> {
          List<String> ids = r.stream().filter(x -> x.startsWith("subnet-")).toList();
          List<String> names = r.stream().filter(x -> !x.startsWith("subnet-")).toList();
          List<Subnet> found = new ArrayList<>();
          if (!ids.isEmpty()) {
            found.addAll(
                gate.call(
                        "DescribeSubnets",
                        Kind.IDEMPOTENT,
                        () -> ec2.describeSubnets(b -> b.subnetIds(ids)))
                    .subnets());
          }
          if (!names.isEmpty()) {
            found.addAll(
                gate.call(
                        "DescribeSubnets",
                        Kind.IDEMPOTENT,
                        () ->
                            ec2.describeSubnets(
                                b ->
                                    b.filters(
                                        Filter.builder().name("tag:Name").values(names).build())))
                    .subnets());
          }
          List<String> resolved = new ArrayList<>();
          for (String ref : r) {
            resolved.add(
                found.stream()
                    .filter(
                        s ->
                            s.subnetId().equals(ref)
                                || tag(s.tags(), "Name").orElse("").equals(ref))
                    .map(Subnet::subnetId)
                    .findFirst()
                    .orElseThrow(
                        () -> new ProviderFailureException("subnet '" + ref + "' does not exist")));
          }
          return List.copyOf(resolved);
        });
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
            gate.call(
                    "CreateSecurityGroup",
                    Kind.CREATE,
                    () ->
                        ec2.createSecurityGroup(
                            b ->
                                b.groupName(name)
                                    .vpcId(vpcId())
                                    .description(
                                        "Fairlead: every NLB of cluster "
                                            + cluster
                                            + "; nodes accept node ports from it")
                                    .tagSpecifications(
                                        TagSpecification.builder()
                                            .resourceType(ResourceType.SECURITY_GROUP)
                                            .tags(
                                                Tag.builder()
                                                    .key(NlbModel.CLUSTER_TAG_PREFIX + cluster)
                                                    .value("owned")
                                                    .build(),
                                                Tag.builder()
                                                    .key(NlbModel.ROLE_TAG)
                                                    .value("backend")
                                                    .build())
                                            .build())))
                .groupId();
      } catch (CallGate.AmbiguousWriteException | AwsServiceException e) {
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
            "No security group is tagged {}{}: nodes must already accept node ports from the NLBs",
            NlbModel.CLUSTER_TAG_PREFIX,
            cluster);
      }
      for (SecurityGroup node : nodeGroups) {
        if (hasNodeRule(node)) {
          continue;
        }
        List<IpPermission> permissions = new ArrayList<>();
        for (String protocol : List.of("tcp", "udp")) {
          permissions.add(
              IpPermission.builder()
                  .ipProtocol(protocol)
                  .fromPort(settings.nodePortMin())
                  .toPort(settings.nodePortMax())
                  .userIdGroupPairs(
                      UserIdGroupPair.builder()
                          .groupId(backendGroupId)
                          .description("Fairlead: node ports from NLBs of cluster " + cluster)
                          .build())
                  .build());
        }
        try {
          gate.call(
              "AuthorizeSecurityGroupIngress",
              Kind.IDEMPOTENT,
              () ->
                  ec2.authorizeSecurityGroupIngress(
                      b -> b.groupId(node.groupId()).ipPermissions(permissions)));
        } catch (AwsServiceException e) {
          if (!AwsErrors.is(e, "InvalidPermission.Duplicate")) {
            throw e;
          }
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
      boolean present =
          node.ipPermissions().stream()
              .anyMatch(
                  p ->
                      "tcp".equals(p.ipProtocol())
                          && p.fromPort() != null
                          && p.fromPort() <= port
                          && p.toPort() != null
                          && p.toPort() >= port
                          && p.userIdGroupPairs().stream()
                              .anyMatch(g -> backend.equals(g.groupId())));
      if (present) {
        continue;
      }
      IpPermission permission =
          IpPermission.builder()
              .ipProtocol("tcp")
              .fromPort(port)
              .toPort(port)
              .userIdGroupPairs(
                  UserIdGroupPair.builder()
                      .groupId(backend)
                      .description("Fairlead: NLB health checks of cluster " + cluster)
                      .build())
              .build();
      try {
        gate.call(
            "AuthorizeSecurityGroupIngress",
            Kind.IDEMPOTENT,
            () ->
                ec2.authorizeSecurityGroupIngress(
                    b -> b.groupId(node.groupId()).ipPermissions(permission)));
      } catch (AwsServiceException e) {
        if (!AwsErrors.is(e, "InvalidPermission.Duplicate")) {
          throw e;
        }
      }
    }
    extraPortsDone.add(port);
  }

  Optional<String> findGroupByName(String name) {
    return gate
        .call(
            "DescribeSecurityGroups",
            Kind.IDEMPOTENT,
            () ->
                ec2.describeSecurityGroups(
                    b ->
                        b.filters(
                            Filter.builder().name("group-name").values(name).build(),
                            Filter.builder().name("vpc-id").values(vpcId()).build())))
        .securityGroups()
        .stream()
        .map(SecurityGroup::groupId)
        .findFirst();
  }

  private boolean hasNodeRule(SecurityGroup node) {
    return backendGroupId != null
        && List.of("tcp", "udp").stream()
            .allMatch(
                protocol ->
                    node.ipPermissions().stream()
                        .anyMatch(
                            p ->
                                protocol.equals(p.ipProtocol())
                                    && p.fromPort() != null
                                    && p.fromPort() <= settings.nodePortMin()
                                    && p.toPort() != null
                                    && p.toPort() >= settings.nodePortMax()
                                    && p.userIdGroupPairs().stream()
                                        .anyMatch(g -> backendGroupId.equals(g.groupId()))));
  }

  private static String pickVpc(List<Subnet> usable, String clusterTag) {
    return usable.stream()
        .sorted(
            Comparator.<Subnet, Boolean>comparing(
                    s -> s.tags().stream().noneMatch(t -> t.key().equals(clusterTag)))
                .thenComparing(Subnet::subnetId))
        .map(Subnet::vpcId)
        .findFirst()
        .orElse(null);
  }

  static Optional<String> tag(List<Tag> tags, String key) {
    return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst();
  }
}
