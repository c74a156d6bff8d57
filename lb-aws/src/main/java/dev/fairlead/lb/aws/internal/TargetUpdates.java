package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.aws.internal.model.NlbModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The targets-only path: a Service whose NLB the provider knows (it applied the model itself, or
 * the checkpoint tags said so at recovery) and whose model is unchanged needs at most a
 * Register/DeregisterTargets per target group, and no describe of the NLB. This is all a node change
 * costs ({@code updateBackends}), and what an unchanged Service costs after a restart (nothing).
 */
final class TargetUpdates {
  private final Targets targets;
  private final LoadBalancers loadBalancers;
  private final DeferredCheckpoints checkpoints;

  TargetUpdates(Targets targets, LoadBalancers loadBalancers, DeferredCheckpoints checkpoints) {
    this.targets = targets;
    this.loadBalancers = loadBalancers;
    this.checkpoints = checkpoints;
  }

  /**
   * Brings the targets of a known NLB to the model's.
   *
   * @param model the model, whose hash equals the state's
   * @param state what the provider knows
   * @return the new state, or empty if the known state does not cover the model's target groups
   *     (the caller then converges the whole Service)
   * @throws RuntimeException from AWS; the targets may then be partly changed, so the caller
   *     forgets the state
   */
  Optional<ServiceState> update(NlbModel model, ServiceState state) {
    Map<String, String> arns = targetGroupArns(model, state);
    if (!arns.keySet().equals(model.targetGroupNames())) {
      return Optional.empty();
    }
    Set<String> registered = null;
    if (state.targets().isPresent()) {
      registered = state.targets().get();
    } else if (state.targetsHash().equals(model.targetsHash())) {
      registered = model.targets();
    }
    for (String arn : arns.values()) {
      // Nodes changed while nobody watched (or since the checkpoint): read just the targets.
      Set<String> current = registered != null ? registered : targets.registered(arn);
      targets.sync(arn, current, model.targets());
    }
    String uid = model.service().uid();
    String targetsHash;
    if (registered == null) {
      loadBalancers.addTags(
          List.of(state.loadBalancerArn()), Map.of(NlbModel.TARGETS_HASH_TAG, model.targetsHash()));
      targetsHash = model.targetsHash();
    } else {
      targetsHash = state.targetsHash();
    }
    if (targetsHash.equals(model.targetsHash())) {
      checkpoints.forget(uid);
    } else {
      // Off the node-join path: written later, batched with other NLBs of the same target set.
      checkpoints.defer(uid, state.loadBalancerArn(), model.targetsHash());
    }
    return Optional.of(
        new ServiceState(
            Optional.of(model),
            state.modelHash(),
            targetsHash,
            state.loadBalancerArn(),
            state.dnsName(),
            Map.copyOf(arns),
            state.targetGroupIds(),
            Optional.of(Set.copyOf(model.targets()))));
  }

  /** Known ARNs, or ARNs rebuilt from the NLB's ARN and the checkpoint's target group IDs. */
  private static Map<String, String> targetGroupArns(NlbModel model, ServiceState state) {
    if (!state.targetGroupArns().isEmpty()
        || state.targetGroupIds().size() != model.targetGroups().size()) {
      return state.targetGroupArns();
    }
    Map<String, String> arns = new LinkedHashMap<>();
    String lbArn = state.loadBalancerArn();
    String prefix = lbArn.substring(0, lbArn.indexOf(":loadbalancer/"));
    for (int i = 0; i < model.targetGroups().size(); i++) {
      String name = model.targetGroups().get(i).name();
      arns.put(name, prefix + ":targetgroup/" + name + "/" + state.targetGroupIds().get(i));
    }
    return arns;
  }
}
