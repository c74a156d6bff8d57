package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.aws.internal.model.IngressRule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What exists in AWS for one Service, as far as the provider knows: read with describes, or assumed
 * empty for a Service that provably has nothing yet.
 *
 * @param loadBalancer the NLB, if any
 * @param listeners the listeners by port
 * @param targetGroups the Service's target groups, name to ARN
 * @param targets registered instance IDs per target group ARN, where read
 * @param frontend the managed frontend security group, if any
 */
record Observed(
    Optional<Lb> loadBalancer,
    Map<Integer, Listener> listeners,
    Map<String, String> targetGroups,
    Map<String, Set<String>> targets,
    Optional<Sg> frontend) {

  static Observed nothing() {
    return new Observed(Optional.empty(), Map.of(), Map.of(), Map.of(), Optional.empty());
  }

  record Lb(
      String arn,
      String dnsName,
      String scheme,
      List<String> securityGroups,
      Map<String, String> tags) {}

  record Listener(
      String arn,
      int port,
      String protocol,
      String targetGroupArn,
      Optional<String> certificateArn,
      Optional<String> sslPolicy) {}

  record Sg(String id, Set<IngressRule> rules) {}
}
