package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.cloud.UpstreamNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;

/**
 * Deletes everything of one Service in a safe order: the NLB (its listeners go with it), then the
 * target groups, the frontend security group last (it is the witness that the Service has
 * resources). Everything is found by name and by ownership tag, so a crash between two deletes
 * leaves nothing that the next attempt cannot find. Resources AWS is still detaching answer {@link
 * RetryLaterException}.
 */
final class Deletion {
  private final String cluster;
  private final LoadBalancers loadBalancers;
  private final TargetGroups targetGroups;
  private final SecurityGroups securityGroups;
  private final OwnedResources owned;

  Deletion(
      String cluster,
      LoadBalancers loadBalancers,
      TargetGroups targetGroups,
      SecurityGroups securityGroups,
      OwnedResources owned) {
    this.cluster = cluster;
    this.loadBalancers = loadBalancers;
    this.targetGroups = targetGroups;
    this.securityGroups = securityGroups;
    this.owned = owned;
  }

  void delete(ServiceKey service) {
    Set<String> lbArns = new TreeSet<>();
    loadBalancers
        .describeByNames(List.of(Names.loadBalancer(cluster, service)))
        .forEach(lb -> lbArns.add(lb.loadBalancerArn()));
    List<String> tgArns = new ArrayList<>();
    List<String> sgIds = new ArrayList<>();
    for (ResourceTagMapping r : owned.of(service)) {
      String arn = r.resourceARN();
      if (arn.contains(":loadbalancer/")) {
        lbArns.add(arn);
      } else if (arn.contains(":targetgroup/")) {
        tgArns.add(arn);
      } else if (arn.contains(":security-group/")) {
        sgIds.add(OwnedResources.securityGroupId(arn));
      }
    }
    if (lbArns.isEmpty()) {
      // An NLB of the upstream provider that was never adopted (the Service was deleted while no
      // controller ran): it and its target groups go too, as upstream would have deleted them.
      upstream(service)
          .ifPresent(
              lb -> {
                lbArns.add(lb.loadBalancerArn());
                tgArns.addAll(targetGroups.arnsOf(lb.loadBalancerArn()));
              });
    }
    lbArns.forEach(loadBalancers::delete);
    for (String arn : tgArns) {
      try {
        targetGroups.delete(arn);
      } catch (AwsServiceException e) {
        if (AwsErrors.is(e, "ResourceInUse")) {
          throw new RetryLaterException(
              "target group " + arn + " is still in use while the NLB is being deleted",
              Duration.ofSeconds(5));
        }
        throw e;
      }
    }
    for (String id : sgIds) {
      try {
        securityGroups.delete(id);
      } catch (AwsServiceException e) {
        if (AwsErrors.is(e, "DependencyViolation")) {
          throw new RetryLaterException(
              "security group " + id + " is still attached to the NLB's network interfaces",
              Duration.ofSeconds(10));
        }
        throw e;
      }
    }
  }

  /** The upstream-named NLB of the Service, if it exists and is tagged for this cluster. */
  private Optional<LoadBalancer> upstream(ServiceKey service) {
    Optional<LoadBalancer> lb =
        loadBalancers
            .describeByNames(List.of(UpstreamNames.loadBalancerName(service)))
            .stream()
            .findFirst();
    if (lb.isEmpty()) {
      return lb;
    }
    Map<String, String> tags =
        loadBalancers
            .tags(List.of(lb.get().loadBalancerArn()))
            .getOrDefault(lb.get().loadBalancerArn(), Map.of());
    return tags.containsKey(NlbModel.CLUSTER_TAG_PREFIX + cluster) ? lb : Optional.empty();
  }
}
