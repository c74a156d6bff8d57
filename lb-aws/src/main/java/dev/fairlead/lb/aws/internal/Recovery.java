package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.cloud.UpstreamNames;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;

/**
 * After a restart: every published NLB is read with {@code DescribeLoadBalancers} (20 names per
 * call) and {@code DescribeTags} (20 ARNs per call), and each whose checkpoint proves it is what was
 * published becomes known state, so {@code ensure} of an unchanged Service makes no call.
 */
final class Recovery {
  private final String cluster;
  private final LoadBalancers loadBalancers;

  Recovery(String cluster, LoadBalancers loadBalancers) {
    this.cluster = cluster;
    this.loadBalancers = loadBalancers;
  }

  /**
   * Reads the published NLBs.
   *
   * @param published the published status of every Service
   * @return the state of each Service whose NLB carries a checkpoint and the published DNS name, by
   *     UID
   */
  Map<String, ServiceState> recover(Map<ServiceKey, LoadBalancerStatus> published) {
    Map<String, ServiceKey> byName = new LinkedHashMap<>();
    Map<ServiceKey, String> hostnames = new HashMap<>();
    published.forEach(
        (key, status) ->
            hostname(status)
                .ifPresent(
                    host -> {
                      byName.put(publishedName(key, host), key);
                      hostnames.put(key, host);
                    }));
    List<LoadBalancer> found = loadBalancers.describeByNames(List.copyOf(byName.keySet()));
    Map<String, Map<String, String>> tags =
        loadBalancers.tags(found.stream().map(LoadBalancer::loadBalancerArn).toList());
    Map<String, ServiceState> states = new HashMap<>();
    for (LoadBalancer lb : found) {
      ServiceKey key = byName.get(lb.loadBalancerName());
      Map<String, String> t = tags.getOrDefault(lb.loadBalancerArn(), Map.of());
      if (key == null
          || !lb.dnsName().equals(hostnames.get(key))
          || !key.uid().equals(t.get(NlbModel.SERVICE_UID_TAG))
          || !t.containsKey(NlbModel.MODEL_HASH_TAG)) {
        continue; // not provably what was published: the first ensure reads it properly
      }
      String ids = t.getOrDefault(NlbModel.TARGET_GROUP_IDS_TAG, "");
      states.put(
          key.uid(),
          new ServiceState(
              Optional.empty(),
              t.get(NlbModel.MODEL_HASH_TAG),
              t.getOrDefault(NlbModel.TARGETS_HASH_TAG, ""),
              lb.loadBalancerArn(),
              lb.dnsName(),
              Map.of(),
              ids.isEmpty() ? List.of() : List.of(ids.split(",")),
              Optional.empty()));
    }
    return states;
  }

  /**
   * The NLB name the published hostname belongs to: an NLB's DNS name starts with its name, so an
   * NLB adopted from the upstream provider keeps being found under its {@code a<uid>} name.
   */
  private String publishedName(ServiceKey key, String hostname) {
    String upstream = UpstreamNames.loadBalancerName(key);
    return hostname.startsWith(upstream + "-") ? upstream : Names.loadBalancer(cluster, key);
  }

  private static Optional<String> hostname(LoadBalancerStatus status) {
    return status.ingress().stream()
        .filter(LoadBalancerStatus.Hostname.class::isInstance)
        .map(i -> ((LoadBalancerStatus.Hostname) i).hostname())
        .findFirst();
  }
}
