package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.aws.internal.model.NlbModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the provider knows about one Service's NLB without asking AWS: what it applied itself, or
 * what the checkpoint tags said at recovery.
 *
 * @param model the model last applied by this instance, or empty after recovery
 * @param modelHash the model hash the NLB is tagged with
 * @param targetsHash the targets hash the NLB is tagged with (may lag behind node changes)
 * @param loadBalancerArn the NLB ARN
 * @param dnsName the NLB DNS name
 * @param targetGroupArns target group ARNs by name, or empty if unknown
 * @param targetGroupIds target group ID suffixes from the checkpoint tag, in model order
 * @param targets the registered instance IDs, or empty if unknown
 */
record ServiceState(
    Optional<NlbModel> model,
    String modelHash,
    String targetsHash,
    String loadBalancerArn,
    String dnsName,
    Map<String, String> targetGroupArns,
    List<String> targetGroupIds,
    Optional<Set<String>> targets) {

  /** The same state after the targets checkpoint tag was rewritten. */
  ServiceState withTargetsHash(String hash) {
    return new ServiceState(
        model, modelHash, hash, loadBalancerArn, dnsName, targetGroupArns, targetGroupIds, targets);
  }
}
