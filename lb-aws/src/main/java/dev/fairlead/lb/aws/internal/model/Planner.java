package dev.fairlead.lb.aws.internal.model;

import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Desired ({@link NlbModel}) against observed ({@link Observed}) gives a {@link Plan}. Pure: every
 * decision about what to create, change or delete is made here and table-tested; the executor only
 * carries the steps out.
 */
public final class Planner {
  private Planner() {}

  /**
   * Plans the changes for one Service.
   *
   * @param desired what the Service asks for
   * @param observed what exists
   * @param backendGroupId the cluster's shared backend security group
   * @return the plan; empty when everything matches
   * @throws UnsupportedFeatureException for a change AWS cannot make (the NLB's scheme), before any
   *     step runs
   */
  public static Plan plan(NlbModel desired, Observed observed, String backendGroupId) {
    Optional<Observed.Lb> lb = observed.loadBalancer();
    lb.ifPresent(existing -> checkScheme(desired, existing));
    String claimed = lb.map(l -> l.tags().get(NlbModel.MODEL_HASH_TAG)).orElse(null);
    // A new NLB, or one whose checkpoint names another model: settings that AWS keeps outside the
    // resource names (attributes) must be written again.
    boolean unclaimed = lb.isEmpty() || !desired.modelHash().equals(claimed);
    List<Step> steps = new ArrayList<>();

    if (lb.isPresent() && adoptsUpstream(desired, lb.get())) {
      // First of all, so a crash later still leaves an NLB that the delete path finds by tag.
      steps.add(new Step.TagLoadBalancer(desired.tagsFor("load-balancer"), "adopt"));
    }
    if (claimed != null && unclaimed) {
      // Withdraw the claim first, so a crash halfway never leaves a checkpoint that matches a
      // half-applied state.
      steps.add(
          new Step.TagLoadBalancer(
              Map.of(NlbModel.MODEL_HASH_TAG, CheckpointTags.UPDATING), "withdraw checkpoint"));
    }

    List<GroupRef> groups = securityGroups(desired, observed, backendGroupId, steps);

    Map<String, String> arns = new LinkedHashMap<>();
    boolean createsTargetGroup = false;
    for (TargetGroupModel tg : desired.targetGroups()) {
      String arn = observed.targetGroups().get(tg.name());
      Set<String> registered;
      if (arn == null) {
        createsTargetGroup = true;
        steps.add(new Step.CreateTargetGroup(tg, desired.tagsFor("target-group")));
        registered = Set.of();
      } else {
        arns.put(tg.name(), arn);
        registered = observed.targets().getOrDefault(tg.name(), Set.of());
      }
      if (!tg.attributes().isEmpty() && (arn == null || unclaimed)) {
        steps.add(new Step.SetTargetGroupAttributes(tg.name(), tg.attributes()));
      }
      List<String> remove =
          registered.stream().filter(t -> !desired.targets().contains(t)).sorted().toList();
      List<String> add =
          desired.targets().stream().filter(t -> !registered.contains(t)).sorted().toList();
      if (!remove.isEmpty()) {
        steps.add(new Step.DeregisterTargets(tg.name(), remove));
      }
      if (!add.isEmpty()) {
        steps.add(new Step.RegisterTargets(tg.name(), add));
      }
    }

    CheckpointTags checkpoint = CheckpointTags.of(desired);
    if (lb.isEmpty()) {
      steps.add(new Step.CreateLoadBalancer(desired, groups, checkpoint));
    } else if (!groups.isEmpty() && !sameGroups(lb.get().securityGroups(), groups)) {
      steps.add(new Step.SetSecurityGroups(groups));
    }
    if (desired.crossZone().isPresent() && unclaimed) {
      steps.add(new Step.SetCrossZone(desired.crossZone().get()));
    }

    Set<Integer> ports = new HashSet<>();
    for (ListenerModel listener : desired.listeners()) {
      ports.add(listener.port());
      Observed.Listener existing = observed.listeners().get(listener.port());
      String tgArn = arns.get(listener.targetGroup().name());
      if (existing == null) {
        steps.add(new Step.CreateListener(listener, desired.tagsFor("listener")));
      } else if (!existing.protocol().equals(listener.protocol())
          || tgArn == null
          || !existing.targetGroupArn().equals(tgArn)
          || !existing.certificateArn().equals(listener.certificateArn())
          || (listener.sslPolicy().isPresent()
              && !existing.sslPolicy().equals(listener.sslPolicy()))) {
        steps.add(new Step.ModifyListener(existing.arn(), listener));
      }
    }
    observed.listeners().values().stream()
        .filter(l -> !ports.contains(l.port()))
        .forEach(l -> steps.add(new Step.DeleteListener(l.arn(), l.port())));

    observed.targetGroups().entrySet().stream()
        .filter(e -> !desired.targetGroupNames().contains(e.getKey()))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> steps.add(new Step.DeleteTargetGroup(e.getKey(), e.getValue())));

    if (lb.isPresent()
        && (createsTargetGroup || !checkpoint.heldBy(lb.get().tags(), arns))) {
      steps.add(new Step.WriteCheckpoint(checkpoint));
    }
    return new Plan(steps);
  }

  /**
   * Whether the observed NLB is the upstream in-tree provider's ({@code a<uid>}) that this plan
   * takes over, still without Fairlead's ownership tags.
   */
  private static boolean adoptsUpstream(NlbModel desired, Observed.Lb lb) {
    return !lb.name().equals(desired.loadBalancerName())
        && !desired.service().uid().equals(lb.tags().get(NlbModel.SERVICE_UID_TAG));
  }

  /**
   * The groups the NLB should carry, adding the steps that create or correct the frontend group.
   * An existing NLB created without security groups (as the upstream provider created its NLBs)
   * cannot get any: AWS refuses, so none are planned.
   */
  private static List<GroupRef> securityGroups(
      NlbModel desired, Observed observed, String backendGroupId, List<Step> steps) {
    boolean attachable =
        observed.loadBalancer().map(l -> !l.securityGroups().isEmpty()).orElse(true);
    if (!attachable) {
      return List.of();
    }
    List<GroupRef> groups = new ArrayList<>();
    if (desired.managedFrontend()) {
      if (observed.frontend().isEmpty()) {
        steps.add(
            new Step.CreateFrontendGroup(
                desired.frontendSecurityGroupName(),
                "Fairlead: clients of NLB " + desired.loadBalancerName(),
                desired.tagsFor("frontend")));
        if (!desired.frontendRules().isEmpty()) {
          steps.add(new Step.AuthorizeFrontend(desired.frontendRules()));
        }
        groups.add(new GroupRef.NewFrontend());
      } else {
        Observed.Sg frontend = observed.frontend().get();
        SortedSet<IngressRule> extra = new TreeSet<>(frontend.rules());
        extra.removeAll(desired.frontendRules());
        SortedSet<IngressRule> missing = new TreeSet<>(desired.frontendRules());
        missing.removeAll(frontend.rules());
        if (!extra.isEmpty()) {
          steps.add(new Step.RevokeFrontend(extra));
        }
        if (!missing.isEmpty()) {
          steps.add(new Step.AuthorizeFrontend(missing));
        }
        groups.add(new GroupRef.Existing(frontend.id()));
      }
    } else {
      desired.byoSecurityGroups().forEach(id -> groups.add(new GroupRef.Existing(id)));
    }
    groups.add(new GroupRef.Existing(backendGroupId));
    return groups;
  }

  private static boolean sameGroups(List<String> have, List<GroupRef> want) {
    Set<String> wanted = new HashSet<>();
    for (GroupRef ref : want) {
      switch (ref) {
        case GroupRef.NewFrontend n -> {
          return false;
        }
        case GroupRef.Existing e -> wanted.add(e.id());
      }
    }
    return new HashSet<>(have).equals(wanted);
  }

  private static void checkScheme(NlbModel desired, Observed.Lb lb) {
    String want = desired.internal() ? "internal" : "internet-facing";
    if (lb.scheme() != null && !lb.scheme().equals(want)) {
      throw new UnsupportedFeatureException(
          Annotations.INTERNAL
              + ": the NLB "
              + lb.name()
              + " is "
              + lb.scheme()
              + " and AWS cannot change the scheme of an existing NLB;"
              + " delete and re-create the Service to change it");
    }
  }
}
