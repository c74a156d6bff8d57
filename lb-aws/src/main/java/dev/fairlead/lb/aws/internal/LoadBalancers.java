package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.cloud.CallKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.SubnetMapping;

/** ELBv2 load balancers: batched reads by name, create, in-place changes, tags, delete. */
final class LoadBalancers {
  /** Names or ARNs per describe call (the API's limit). */
  static final int BATCH = 20;

  private final AwsClients aws;

  LoadBalancers(AwsClients aws) {
    this.aws = aws;
  }

  /** By name, 20 per call; a missing name fails a whole call on AWS, so such a batch is halved. */
  List<LoadBalancer> describeByNames(List<String> names) {
    List<LoadBalancer> found = new ArrayList<>();
    for (int i = 0; i < names.size(); i += BATCH) {
      found.addAll(describeBatch(names.subList(i, Math.min(names.size(), i + BATCH))));
    }
    return found;
  }

  private List<LoadBalancer> describeBatch(List<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    try {
      return aws.gate()
          .call(
              "DescribeLoadBalancers",
              CallKind.READ,
              () -> aws.elb().describeLoadBalancers(b -> b.names(names)))
          .loadBalancers()
          .stream()
          .filter(lb -> names.contains(lb.loadBalancerName()))
          .toList();
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "LoadBalancerNotFound")) {
        throw e;
      }
      if (names.size() == 1) {
        return List.of();
      }
      List<LoadBalancer> found = new ArrayList<>(describeBatch(names.subList(0, names.size() / 2)));
      found.addAll(describeBatch(names.subList(names.size() / 2, names.size())));
      return found;
    }
  }

  /** The tags of NLBs by ARN, 20 per call. */
  Map<String, Map<String, String>> tags(List<String> arns) {
    Map<String, Map<String, String>> tags = new HashMap<>();
    for (int i = 0; i < arns.size(); i += BATCH) {
      List<String> batch = arns.subList(i, Math.min(arns.size(), i + BATCH));
      aws.gate()
          .call(
              "DescribeTags",
              CallKind.READ,
              () -> aws.elb().describeTags(b -> b.resourceArns(batch)))
          .tagDescriptions()
          .forEach(d -> tags.put(d.resourceArn(), Tags.fromElb(d.tags())));
    }
    return tags;
  }

  LoadBalancer create(
      String name,
      boolean internal,
      List<SubnetMapping> subnets,
      List<String> securityGroups,
      Map<String, String> tags) {
    return aws.gate()
        .call(
            "CreateLoadBalancer",
            CallKind.CREATE,
            () ->
                aws.elb()
                    .createLoadBalancer(
                        b ->
                            b.name(name)
                                .type(LoadBalancerTypeEnum.NETWORK)
                                .scheme(
                                    internal
                                        ? LoadBalancerSchemeEnum.INTERNAL
                                        : LoadBalancerSchemeEnum.INTERNET_FACING)
                                .subnetMappings(subnets)
                                .securityGroups(securityGroups)
                                .tags(Tags.elb(tags))))
        .loadBalancers()
        .getFirst();
  }

  void setSecurityGroups(String arn, List<String> groups) {
    aws.gate()
        .run(
            "SetSecurityGroups",
            CallKind.WRITE,
            () -> aws.elb().setSecurityGroups(b -> b.loadBalancerArn(arn).securityGroups(groups)));
  }

  void setCrossZone(String arn, boolean enabled) {
    aws.gate()
        .run(
            "ModifyLoadBalancerAttributes",
            CallKind.WRITE,
            () ->
                aws.elb()
                    .modifyLoadBalancerAttributes(
                        b ->
                            b.loadBalancerArn(arn)
                                .attributes(
                                    LoadBalancerAttribute.builder()
                                        .key("load_balancing.cross_zone.enabled")
                                        .value(Boolean.toString(enabled))
                                        .build())));
  }

  /** Adds (or overwrites) tags on up to 20 NLBs with one call. */
  void addTags(List<String> arns, Map<String, String> tags) {
    aws.gate()
        .run(
            "AddTags",
            CallKind.WRITE,
            () -> aws.elb().addTags(b -> b.resourceArns(arns).tags(Tags.elb(tags))));
  }

  void delete(String arn) {
    AwsErrors.ignoring(
        () ->
            aws.gate()
                .run(
                    "DeleteLoadBalancer",
                    CallKind.WRITE,
                    () -> aws.elb().deleteLoadBalancer(b -> b.loadBalancerArn(arn))),
        "LoadBalancerNotFound");
  }
}
