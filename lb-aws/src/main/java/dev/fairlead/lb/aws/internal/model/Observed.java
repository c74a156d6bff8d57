package dev.fairlead.lb.aws.internal.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What exists in AWS for one Service, as far as the provider knows: read with describes, or assumed
 * empty for a Service that provably has nothing yet. No SDK types, so the {@link Planner} stays pure.
 *
 * @param loadBalancer the NLB, if any (Fairlead's, or one of the upstream in-tree provider to adopt)
 * @param listeners the listeners by port
 * @param targetGroups the Service's target groups, name to ARN
 * @param targets registered instance IDs per target group name, where read
 * @param frontend the managed frontend security group, if any
 */
public record Observed(
    Optional<Lb> loadBalancer,
    Map<Integer, Listener> listeners,
    Map<String, String> targetGroups,
    Map<String, Set<String>> targets,
    Optional<Sg> frontend) {

  /** Copies. */
  public Observed {
    Objects.requireNonNull(loadBalancer, "loadBalancer");
    listeners = Map.copyOf(listeners);
    targetGroups = Map.copyOf(targetGroups);
    targets = Map.copyOf(targets);
    Objects.requireNonNull(frontend, "frontend");
  }

  /**
   * Nothing exists.
   *
   * @return the empty observation
   */
  public static Observed nothing() {
    return new Observed(Optional.empty(), Map.of(), Map.of(), Map.of(), Optional.empty());
  }

  /**
   * The NLB.
   *
   * @param arn its ARN
   * @param name its name (Fairlead's, or the upstream {@code a<uid>} when adopted)
   * @param dnsName its DNS name
   * @param scheme {@code internet-facing} or {@code internal}
   * @param securityGroups its security group IDs; empty for an NLB created without any
   * @param tags its tags
   */
  public record Lb(
      String arn,
      String name,
      String dnsName,
      String scheme,
      List<String> securityGroups,
      Map<String, String> tags) {
    /** Copies. */
    public Lb {
      Objects.requireNonNull(arn, "arn");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(dnsName, "dnsName");
      securityGroups = List.copyOf(securityGroups);
      tags = Map.copyOf(tags);
    }
  }

  /**
   * One listener.
   *
   * @param arn its ARN
   * @param port its port
   * @param protocol its protocol
   * @param targetGroupArn the target group it forwards to, or empty text
   * @param certificateArn its certificate, for TLS
   * @param sslPolicy its TLS policy
   */
  public record Listener(
      String arn,
      int port,
      String protocol,
      String targetGroupArn,
      Optional<String> certificateArn,
      Optional<String> sslPolicy) {}

  /**
   * The managed frontend security group.
   *
   * @param id its ID
   * @param rules its ingress rules
   */
  public record Sg(String id, Set<IngressRule> rules) {
    /** Copies. */
    public Sg {
      rules = Set.copyOf(rules);
    }
  }
}
