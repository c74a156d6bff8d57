package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.cloud.CallKind;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;

/** The registered instances of a target group. */
final class Targets {
  /** Instances per Register/DeregisterTargets call. */
  private static final int CHUNK = 200;

  private final AwsClients aws;

  Targets(AwsClients aws) {
    this.aws = aws;
  }

  /** The registered instances, leaving out those already draining; empty if the group is gone. */
  Set<String> registered(String tgArn) {
    Set<String> ids = new TreeSet<>();
    try {
      aws.gate()
          .call(
              "DescribeTargetHealth",
              CallKind.READ,
              () -> aws.elb().describeTargetHealth(b -> b.targetGroupArn(tgArn)))
          .targetHealthDescriptions()
          .forEach(
              d -> {
                String state = d.targetHealth() == null ? "" : d.targetHealth().stateAsString();
                if (!"draining".equals(state)) {
                  ids.add(d.target().id());
                }
              });
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "TargetGroupNotFound")) {
        throw e;
      }
    }
    return ids;
  }

  /** Deregisters first, so replacing instances works at the target limit (upstream's order too). */
  void sync(String tgArn, Set<String> registered, Set<String> wanted) {
    deregister(tgArn, registered.stream().filter(t -> !wanted.contains(t)).sorted().toList());
    register(tgArn, wanted.stream().filter(t -> !registered.contains(t)).sorted().toList());
  }

  void register(String tgArn, List<String> ids) {
    for (int i = 0; i < ids.size(); i += CHUNK) {
      List<TargetDescription> chunk = descriptions(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
      aws.gate()
          .run(
              "RegisterTargets",
              CallKind.WRITE,
              () -> aws.elb().registerTargets(b -> b.targetGroupArn(tgArn).targets(chunk)));
    }
  }

  void deregister(String tgArn, List<String> ids) {
    for (int i = 0; i < ids.size(); i += CHUNK) {
      List<TargetDescription> chunk = descriptions(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
      aws.gate()
          .run(
              "DeregisterTargets",
              CallKind.WRITE,
              () -> aws.elb().deregisterTargets(b -> b.targetGroupArn(tgArn).targets(chunk)));
    }
  }

  private static List<TargetDescription> descriptions(List<String> ids) {
    return ids.stream().map(id -> TargetDescription.builder().id(id).build()).toList();
  }
}
