package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.aws.internal.model.TargetGroupModel;
import dev.fairlead.lb.cloud.CallKind;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/** ELBv2 instance target groups. */
final class TargetGroups {
  private final AwsClients aws;

  TargetGroups(AwsClients aws) {
    this.aws = aws;
  }

  /**
   * Creates a group. A {@code DuplicateTargetGroupName} means an earlier, interrupted attempt
   * created it: the caller reads the Service's resources again (the settings are in the name, so it
   * is the group it wants).
   */
  String create(TargetGroupModel tg, String vpcId, Map<String, String> tags) {
    return aws.gate()
        .call(
            "CreateTargetGroup",
            CallKind.CREATE,
            () ->
                aws.elb()
                    .createTargetGroup(
                        b -> {
                          b.name(tg.name())
                              .protocol(tg.protocol())
                              .port(tg.nodePort())
                              .vpcId(vpcId)
                              .targetType(TargetTypeEnum.INSTANCE)
                              .healthCheckProtocol(tg.healthCheck().protocol())
                              .healthCheckPort(tg.healthCheck().port())
                              .healthCheckIntervalSeconds(tg.healthCheck().intervalSeconds())
                              .healthCheckTimeoutSeconds(tg.healthCheck().timeoutSeconds())
                              .healthyThresholdCount(tg.healthCheck().healthyThreshold())
                              .unhealthyThresholdCount(tg.healthCheck().unhealthyThreshold())
                              .tags(Tags.elb(tags));
                          tg.healthCheck().path().ifPresent(b::healthCheckPath);
                        }))
        .targetGroups()
        .getFirst()
        .targetGroupArn();
  }

  void setAttributes(String arn, Map<String, String> attributes) {
    List<TargetGroupAttribute> values =
        attributes.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> TargetGroupAttribute.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
    aws.gate()
        .run(
            "ModifyTargetGroupAttributes",
            CallKind.WRITE,
            () ->
                aws.elb()
                    .modifyTargetGroupAttributes(b -> b.targetGroupArn(arn).attributes(values)));
  }

  /** The groups an NLB forwards to (for an upstream NLB that is deleted without being adopted). */
  List<String> arnsOf(String lbArn) {
    return aws.gate()
        .call(
            "DescribeTargetGroups",
            CallKind.READ,
            () -> aws.elb().describeTargetGroups(b -> b.loadBalancerArn(lbArn)))
        .targetGroups()
        .stream()
        .map(TargetGroup::targetGroupArn)
        .toList();
  }

  /** Deletes a group; one already gone is fine, one still in use throws (ResourceInUse). */
  void delete(String arn) {
    AwsErrors.ignoring(
        () ->
            aws.gate()
                .run(
                    "DeleteTargetGroup",
                    CallKind.WRITE,
                    () -> aws.elb().deleteTargetGroup(b -> b.targetGroupArn(arn))),
        "TargetGroupNotFound");
  }
}
