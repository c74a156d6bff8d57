package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.cloud.CallGate;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;

/**
 * The SDK clients of one provider and the gate every call of them passes.
 *
 * @param elb ELBv2
 * @param ec2 EC2
 * @param tagging the Resource Groups Tagging API
 * @param gate rate limit, shared throttling backoff, safe retries, call metrics
 */
record AwsClients(
    ElasticLoadBalancingV2Client elb,
    Ec2Client ec2,
    ResourceGroupsTaggingApiClient tagging,
    CallGate gate)
    implements AutoCloseable {

  @Override
  public void close() {
    elb.close();
    ec2.close();
    tagging.close();
  }
}
