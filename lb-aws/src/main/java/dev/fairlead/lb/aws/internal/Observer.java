package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.aws.internal.model.Observed;
import dev.fairlead.lb.aws.internal.model.TargetGroupModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;

/**
 * Reads everything of one Service: the NLB by name (Fairlead's, else the upstream in-tree
 * provider's {@code a<uid>} to adopt), its listeners, and the rest by ownership tags.
 */
final class Observer {
  private final String cluster;
  private final LoadBalancers loadBalancers;
  private final Listeners listeners;
  private final Targets targets;
  private final SecurityGroups securityGroups;
  private final OwnedResources owned;
  private final Network network;

  Observer(
      String cluster,
      LoadBalancers loadBalancers,
      Listeners listeners,
      Targets targets,
      SecurityGroups securityGroups,
      OwnedResources owned,
      Network network) {
    this.cluster = cluster;
    this.loadBalancers = loadBalancers;
    this.listeners = listeners;
    this.targets = targets;
    this.securityGroups = securityGroups;
    this.owned = owned;
    this.network = network;
  }

  Observed observe(NlbModel model) {
    Optional<LoadBalancer> lb = ours(model.loadBalancerName());
    Optional<Map<String, String>> upstreamTags = Optional.empty();
    if (lb.isEmpty() && model.adoptableName().isPresent()) {
      lb = ours(model.adoptableName().get());
      if (lb.isPresent()) {
        upstreamTags = Optional.of(adoptable(lb.get()));
      }
    }
    Map<Integer, Observed.Listener> listenersByPort =
        lb.map(l -> listeners.describe(l.loadBalancerArn())).orElse(Map.of());
    Map<String, String> targetGroups = new TreeMap<>();
    Map<String, String> lbTags = upstreamTags.orElse(Map.of());
    String frontendId = null;
    for (ResourceTagMapping r : owned.of(model.service())) {
      String arn = r.resourceARN();
      if (arn.contains(":targetgroup/")) {
        targetGroups.put(OwnedResources.targetGroupName(arn), arn);
      } else if (arn.contains(":security-group/")) {
        boolean frontend =
            r.tags().stream()
                .anyMatch(t -> t.key().equals(NlbModel.ROLE_TAG) && t.value().equals("frontend"));
        if (frontend) {
          frontendId = OwnedResources.securityGroupId(arn);
        }
      } else if (lb.isPresent() && arn.equals(lb.get().loadBalancerArn())) {
        Map<String, String> t = new HashMap<>();
        r.tags().forEach(tag -> t.put(tag.key(), tag.value()));
        lbTags = t;
      }
    }
    if (upstreamTags.isPresent()) {
      // The upstream provider's target groups carry no Fairlead tags: those its listeners use
      // belong to the adopted NLB and go once the listeners point at Fairlead's.
      listenersByPort.values().stream()
          .map(Observed.Listener::targetGroupArn)
          .filter(arn -> arn.contains(":targetgroup/"))
          .forEach(arn -> targetGroups.putIfAbsent(OwnedResources.targetGroupName(arn), arn));
    }
    if (frontendId == null && model.managedFrontend()) {
      frontendId = network.findGroupByName(model.frontendSecurityGroupName()).orElse(null);
    }
    Optional<Observed.Sg> frontend = Optional.empty();
    if (frontendId != null) {
      String id = frontendId;
      frontend = securityGroups.rules(id).map(rules -> new Observed.Sg(id, rules));
      if (frontend.isPresent()) {
        network.rememberFrontend(model.service().uid(), id);
      }
    }
    Map<String, Set<String>> registered = new HashMap<>();
    for (TargetGroupModel tg : model.targetGroups()) {
      String arn = targetGroups.get(tg.name());
      if (arn != null) {
        registered.put(tg.name(), targets.registered(arn));
      }
    }
    Map<String, String> tags = lbTags;
    return new Observed(
        lb.map(
            l ->
                new Observed.Lb(
                    l.loadBalancerArn(),
                    l.loadBalancerName(),
                    l.dnsName(),
                    l.schemeAsString(),
                    l.securityGroups(),
                    tags)),
        listenersByPort,
        targetGroups,
        registered,
        frontend);
  }

  private Optional<LoadBalancer> ours(String name) {
    return loadBalancers.describeByNames(List.of(name)).stream().findFirst();
  }

  /**
   * The tags of an upstream-named NLB, after checking that it belongs to this cluster: the name
   * holds the Service UID, the cluster tag says whose cluster created it.
   */
  private Map<String, String> adoptable(LoadBalancer lb) {
    Map<String, String> tags =
        loadBalancers.tags(List.of(lb.loadBalancerArn())).getOrDefault(lb.loadBalancerArn(), Map.of());
    String clusterTag = NlbModel.CLUSTER_TAG_PREFIX + cluster;
    if (!tags.containsKey(clusterTag)) {
      String other =
          tags.keySet().stream()
              .filter(k -> k.startsWith(NlbModel.CLUSTER_TAG_PREFIX))
              .findFirst()
              .map(k -> k.substring(NlbModel.CLUSTER_TAG_PREFIX.length()))
              .orElse("none");
      throw ProviderFailureException.userError(
          "the NLB "
              + lb.loadBalancerName()
              + " of this Service (created by the in-tree AWS provider) is tagged for cluster '"
              + other
              + "', not '"
              + cluster
              + "'; run the controller with --cluster-name "
              + other
              + " to adopt it");
    }
    return tags;
  }
}
