package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.cloud.CallKind;
import java.util.List;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesResponse;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * Everything of one Service found by its ownership tags (cluster and Service UID) through the
 * Resource Groups Tagging API: what a crash left behind is found even when no name points to it.
 */
final class OwnedResources {
  static final String LOAD_BALANCER = "elasticloadbalancing:loadbalancer";
  static final String TARGET_GROUP = "elasticloadbalancing:targetgroup";
  static final String SECURITY_GROUP = "ec2:security-group";

  private final AwsClients aws;
  private final String cluster;

  OwnedResources(AwsClients aws, String cluster) {
    this.aws = aws;
    this.cluster = cluster;
  }

  /** Every resource of the Service (NLBs, target groups, security groups), all pages. */
  List<ResourceTagMapping> of(ServiceKey service) {
    return Pages.all(
        token ->
            aws.gate()
                .call(
                    "GetResources",
                    CallKind.READ,
                    () ->
                        aws.tagging()
                            .getResources(
                                b ->
                                    b.tagFilters(
                                            TagFilter.builder()
                                                .key(NlbModel.CLUSTER_TAG_PREFIX + cluster)
                                                .values("owned")
                                                .build(),
                                            TagFilter.builder()
                                                .key(NlbModel.SERVICE_UID_TAG)
                                                .values(service.uid())
                                                .build())
                                        .resourceTypeFilters(
                                            LOAD_BALANCER, TARGET_GROUP, SECURITY_GROUP)
                                        .paginationToken(token))),
        GetResourcesResponse::resourceTagMappingList,
        GetResourcesResponse::paginationToken);
  }

  /** The name part of a target group ARN ({@code ...:targetgroup/<name>/<id>}). */
  static String targetGroupName(String arn) {
    return arn.substring(arn.indexOf(":targetgroup/") + 13).split("/")[0];
  }

  /** The ID of a security group ARN ({@code ...:security-group/sg-...}). */
  static String securityGroupId(String arn) {
    return arn.substring(arn.indexOf(":security-group/") + 16);
  }
}
