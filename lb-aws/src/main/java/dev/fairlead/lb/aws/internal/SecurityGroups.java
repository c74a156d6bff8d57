package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.aws.internal.model.IngressRule;
import dev.fairlead.lb.cloud.CallKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** EC2 security groups: the Service's frontend group and the cluster's shared groups. */
final class SecurityGroups {
  private final AwsClients aws;

  SecurityGroups(AwsClients aws) {
    this.aws = aws;
  }

  String create(String name, String vpcId, String description, Map<String, String> tags) {
    return aws.gate()
        .call(
            "CreateSecurityGroup",
            CallKind.CREATE,
            () ->
                aws.ec2()
                    .createSecurityGroup(
                        b ->
                            b.groupName(name)
                                .vpcId(vpcId)
                                .description(description)
                                .tagSpecifications(
                                    TagSpecification.builder()
                                        .resourceType(ResourceType.SECURITY_GROUP)
                                        .tags(Tags.ec2(tags))
                                        .build())))
        .groupId();
  }

  /** Adds rules; a duplicate means an earlier attempt got there first, which the caller re-reads. */
  void authorize(String groupId, Set<IngressRule> rules) {
    if (!rules.isEmpty()) {
      authorize(groupId, permissions(rules), CallKind.CREATE);
    }
  }

  /** Adds shared permissions that may exist already (node rules): a duplicate is success. */
  void authorizeShared(String groupId, List<IpPermission> permissions) {
    AwsErrors.ignoring(
        () -> authorize(groupId, permissions, CallKind.WRITE), "InvalidPermission.Duplicate");
  }

  private void authorize(String groupId, List<IpPermission> permissions, CallKind kind) {
    aws.gate()
        .run(
            "AuthorizeSecurityGroupIngress",
            kind,
            () ->
                aws.ec2()
                    .authorizeSecurityGroupIngress(
                        b -> b.groupId(groupId).ipPermissions(permissions)));
  }

  void revoke(String groupId, Set<IngressRule> rules) {
    aws.gate()
        .run(
            "RevokeSecurityGroupIngress",
            CallKind.WRITE,
            () ->
                aws.ec2()
                    .revokeSecurityGroupIngress(
                        b -> b.groupId(groupId).ipPermissions(permissions(rules))));
  }

  /** The group's ingress rules, or empty if it does not exist. */
  Optional<Set<IngressRule>> rules(String groupId) {
    try {
      List<SecurityGroup> groups = describe(b -> b.groupIds(groupId), null).securityGroups();
      return groups.isEmpty()
          ? Optional.empty()
          : Optional.of(rules(groups.getFirst().ipPermissions()));
    } catch (AwsServiceException e) {
      if (AwsErrors.is(e, "InvalidGroup.NotFound", "InvalidGroupId.NotFound")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  Optional<String> findByName(String name, String vpcId) {
    return describe(
            b ->
                b.filters(
                    Filter.builder().name("group-name").values(name).build(),
                    Filter.builder().name("vpc-id").values(vpcId).build()),
            null)
        .securityGroups()
        .stream()
        .map(SecurityGroup::groupId)
        .findFirst();
  }

  /** Every group carrying a tag key, in a VPC if given (paginated). */
  List<SecurityGroup> withTagKey(String key, Optional<String> vpcId) {
    List<Filter> filters = new ArrayList<>();
    filters.add(Filter.builder().name("tag-key").values(key).build());
    vpcId.ifPresent(v -> filters.add(Filter.builder().name("vpc-id").values(v).build()));
    return Pages.all(
        token -> describe(b -> b.filters(filters).maxResults(1000), token),
        DescribeSecurityGroupsResponse::securityGroups,
        DescribeSecurityGroupsResponse::nextToken);
  }

  private DescribeSecurityGroupsResponse describe(
      Consumer<DescribeSecurityGroupsRequest.Builder> request, String nextToken) {
    return aws.gate()
        .call(
            "DescribeSecurityGroups",
            CallKind.READ,
            () -> aws.ec2().describeSecurityGroups(b -> request.accept(b.nextToken(nextToken))));
  }

  /** Deletes a group; one already gone is fine, one still attached throws (DependencyViolation). */
  void delete(String groupId) {
    AwsErrors.ignoring(
        () ->
            aws.gate()
                .run(
                    "DeleteSecurityGroup",
                    CallKind.WRITE,
                    () -> aws.ec2().deleteSecurityGroup(b -> b.groupId(groupId))),
        "InvalidGroup.NotFound",
        "InvalidGroupId.NotFound");
  }

  static Set<IngressRule> rules(List<IpPermission> permissions) {
    Set<IngressRule> rules = new TreeSet<>();
    for (IpPermission p : permissions) {
      int from = p.fromPort() == null ? -1 : p.fromPort();
      int to = p.toPort() == null ? -1 : p.toPort();
      p.ipRanges().forEach(r -> rules.add(new IngressRule(p.ipProtocol(), from, to, r.cidrIp())));
      p.ipv6Ranges()
          .forEach(r -> rules.add(new IngressRule(p.ipProtocol(), from, to, r.cidrIpv6())));
    }
    return rules;
  }

  static List<IpPermission> permissions(Set<IngressRule> rules) {
    Map<String, List<IngressRule>> grouped = new TreeMap<>();
    for (IngressRule rule : rules) {
      grouped
          .computeIfAbsent(
              rule.protocol() + "|" + rule.fromPort() + "|" + rule.toPort(), k -> new ArrayList<>())
          .add(rule);
    }
    List<IpPermission> permissions = new ArrayList<>();
    for (List<IngressRule> group : grouped.values()) {
      IngressRule first = group.getFirst();
      permissions.add(
          IpPermission.builder()
              .ipProtocol(first.protocol())
              .fromPort(first.fromPort())
              .toPort(first.toPort())
              .ipRanges(
                  group.stream()
                      .filter(r -> !r.ipv6())
                      .map(r -> IpRange.builder().cidrIp(r.cidr()).build())
                      .toList())
              .ipv6Ranges(
                  group.stream()
                      .filter(IngressRule::ipv6)
                      .map(r -> Ipv6Range.builder().cidrIpv6(r.cidr()).build())
                      .toList())
              .build());
    }
    return permissions;
  }
}
