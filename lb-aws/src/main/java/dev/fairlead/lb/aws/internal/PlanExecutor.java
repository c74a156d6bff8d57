package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.aws.internal.model.GroupRef;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.aws.internal.model.Observed;
import dev.fairlead.lb.aws.internal.model.Plan;
import dev.fairlead.lb.aws.internal.model.Step;
import dev.fairlead.lb.aws.internal.model.TargetGroupModel;
import dev.fairlead.lb.aws.internal.model.UserErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.SubnetMapping;

/**
 * Carries out a {@link Plan}, step by step, through the executor of each resource kind. Holds what
 * the steps produce (the NLB's ARN, new target group ARNs, the new frontend group) for the steps
 * after them. A refusal the user must fix becomes a {@linkplain ProviderFailureException#userError
 * user error} naming the annotation; an error that means the picture of AWS is stale is thrown
 * as it is, so the caller reads AWS again and plans anew.
 */
final class PlanExecutor {
  private final Network network;
  private final SecurityGroups securityGroups;
  private final TargetGroups targetGroups;
  private final Targets targets;
  private final LoadBalancers loadBalancers;
  private final Listeners listeners;

  PlanExecutor(
      Network network,
      SecurityGroups securityGroups,
      TargetGroups targetGroups,
      Targets targets,
      LoadBalancers loadBalancers,
      Listeners listeners) {
    this.network = network;
    this.securityGroups = securityGroups;
    this.targetGroups = targetGroups;
    this.targets = targets;
    this.loadBalancers = loadBalancers;
    this.listeners = listeners;
  }

  /**
   * What the NLB is after the plan ran.
   *
   * @param loadBalancerArn its ARN
   * @param dnsName its DNS name
   * @param targetGroupArns the model's target groups, name to ARN, in model order
   */
  record Applied(String loadBalancerArn, String dnsName, Map<String, String> targetGroupArns) {}

  /** The state one run builds up. */
  private static final class Run {
    final NlbModel model;
    final Map<String, String> targetGroupArns;
    String loadBalancerArn;
    String dnsName;
    String frontendId;

    Run(NlbModel model, Observed observed) {
      this.model = model;
      this.targetGroupArns = new HashMap<>(observed.targetGroups());
      observed.loadBalancer().ifPresent(lb -> {
        loadBalancerArn = lb.arn();
        dnsName = lb.dnsName();
      });
      observed.frontend().ifPresent(sg -> frontendId = sg.id());
    }

    String targetGroup(String name) {
      String arn = targetGroupArns.get(name);
      if (arn == null) {
        throw new IllegalStateException("plan uses target group " + name + " before creating it");
      }
      return arn;
    }
  }

  Applied execute(NlbModel model, Observed observed, Plan plan) {
    Run run = new Run(model, observed);
    for (Step step : plan.steps()) {
      try {
        apply(run, step);
      } catch (AwsServiceException e) {
        if (AwsErrors.stale(e)) {
          throw e;
        }
        String code = AwsErrors.code(e);
        throw UserErrors.explain(step, code, AwsErrors.message(e))
            .map(ProviderFailureException::userError)
            .orElseGet(
                () ->
                    AwsErrors.failure(
                        model.service().qualifiedName() + ": " + step.summary() + " failed", e));
      }
    }
    Map<String, String> arns = new LinkedHashMap<>();
    for (TargetGroupModel tg : model.targetGroups()) {
      arns.put(tg.name(), run.targetGroup(tg.name()));
    }
    return new Applied(run.loadBalancerArn, run.dnsName, arns);
  }

  private void apply(Run run, Step step) {
    NlbModel model = run.model;
    switch (step) {
      case Step.TagLoadBalancer s -> loadBalancers.addTags(List.of(run.loadBalancerArn), s.tags());
      case Step.CreateFrontendGroup s -> {
        run.frontendId = securityGroups.create(s.name(), network.vpcId(), s.description(), s.tags());
        network.rememberFrontend(model.service().uid(), run.frontendId);
      }
      case Step.AuthorizeFrontend s -> securityGroups.authorize(run.frontendId, s.rules());
      case Step.RevokeFrontend s -> securityGroups.revoke(run.frontendId, s.rules());
      case Step.CreateTargetGroup s ->
          run.targetGroupArns.put(
              s.group().name(), targetGroups.create(s.group(), network.vpcId(), s.tags()));
      case Step.SetTargetGroupAttributes s ->
          targetGroups.setAttributes(run.targetGroup(s.targetGroup()), s.attributes());
      case Step.DeregisterTargets s ->
          targets.deregister(run.targetGroup(s.targetGroup()), s.instances());
      case Step.RegisterTargets s -> targets.register(run.targetGroup(s.targetGroup()), s.instances());
      case Step.CreateLoadBalancer s -> {
        Map<String, String> tags = new TreeMap<>(model.tagsFor("load-balancer"));
        tags.putAll(s.checkpoint().tags(run.targetGroupArns));
        LoadBalancer lb =
            loadBalancers.create(
                model.loadBalancerName(),
                model.internal(),
                subnetMappings(model),
                groupIds(run, s.securityGroups()),
                tags);
        run.loadBalancerArn = lb.loadBalancerArn();
        run.dnsName = lb.dnsName();
      }
      case Step.SetSecurityGroups s ->
          loadBalancers.setSecurityGroups(run.loadBalancerArn, groupIds(run, s.securityGroups()));
      case Step.SetCrossZone s -> loadBalancers.setCrossZone(run.loadBalancerArn, s.enabled());
      case Step.CreateListener s ->
          listeners.create(
              run.loadBalancerArn,
              s.listener(),
              run.targetGroup(s.listener().targetGroup().name()),
              s.tags());
      case Step.ModifyListener s ->
          listeners.modify(
              s.listenerArn(), s.listener(), run.targetGroup(s.listener().targetGroup().name()));
      case Step.DeleteListener s -> listeners.delete(s.listenerArn());
      case Step.DeleteTargetGroup s -> targetGroups.delete(s.arn());
      case Step.WriteCheckpoint s ->
          loadBalancers.addTags(
              List.of(run.loadBalancerArn), s.checkpoint().tags(run.targetGroupArns));
    }
  }

  private List<SubnetMapping> subnetMappings(NlbModel model) {
    List<String> subnets = network.subnetIds(model);
    List<SubnetMapping> mappings = new ArrayList<>();
    for (int i = 0; i < subnets.size(); i++) {
      SubnetMapping.Builder m = SubnetMapping.builder().subnetId(subnets.get(i));
      if (!model.eipAllocations().isEmpty()) {
        m.allocationId(model.eipAllocations().get(i));
      }
      if (!model.privateIpv4Addresses().isEmpty()) {
        m.privateIPv4Address(model.privateIpv4Addresses().get(i));
      }
      mappings.add(m.build());
    }
    return mappings;
  }

  private static List<String> groupIds(Run run, List<GroupRef> refs) {
    return refs.stream()
        .map(
            ref ->
                switch (ref) {
                  case GroupRef.NewFrontend n -> run.frontendId;
                  case GroupRef.Existing e -> e.id();
                })
        .toList();
  }
}
