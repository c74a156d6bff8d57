package dev.fairlead.lb.aws.internal.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One change a {@link Plan} makes in AWS. Steps name target groups by their deterministic names;
 * the executor knows the ARNs (observed ones, and those of groups an earlier step created).
 */
public sealed interface Step {

  /**
   * A short, stable description for logs and tests, such as {@code RegisterTargets k8s-a-b-1 [i-1]}.
   *
   * @return the summary
   */
  String summary();

  /**
   * Adds tags to the NLB: ownership tags on an adopted upstream NLB, or the withdrawal of a
   * checkpoint before an update.
   *
   * @param tags the tags
   * @param reason why, for the summary
   */
  record TagLoadBalancer(Map<String, String> tags, String reason) implements Step {
    /** Copies. */
    public TagLoadBalancer {
      tags = Map.copyOf(tags);
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String summary() {
      return "TagLoadBalancer " + reason;
    }
  }

  /**
   * Creates the Service's managed frontend security group (the witness that the Service has
   * resources: created first, deleted last).
   *
   * @param name the group name
   * @param description its description
   * @param tags its tags
   */
  record CreateFrontendGroup(String name, String description, Map<String, String> tags)
      implements Step {
    /** Copies. */
    public CreateFrontendGroup {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(description, "description");
      tags = Map.copyOf(tags);
    }

    @Override
    public String summary() {
      return "CreateFrontendGroup " + name;
    }
  }

  /**
   * Adds ingress rules to the frontend group.
   *
   * @param rules the rules to add
   */
  record AuthorizeFrontend(SortedSet<IngressRule> rules) implements Step {
    /** Copies. */
    public AuthorizeFrontend {
      rules = new TreeSet<>(rules);
    }

    @Override
    public String summary() {
      return "AuthorizeFrontend " + rules.size();
    }
  }

  /**
   * Removes ingress rules from the frontend group.
   *
   * @param rules the rules to remove
   */
  record RevokeFrontend(SortedSet<IngressRule> rules) implements Step {
    /** Copies. */
    public RevokeFrontend {
      rules = new TreeSet<>(rules);
    }

    @Override
    public String summary() {
      return "RevokeFrontend " + rules.size();
    }
  }

  /**
   * Creates a target group.
   *
   * @param group the group
   * @param tags its tags
   */
  record CreateTargetGroup(TargetGroupModel group, Map<String, String> tags) implements Step {
    /** Copies. */
    public CreateTargetGroup {
      Objects.requireNonNull(group, "group");
      tags = Map.copyOf(tags);
    }

    @Override
    public String summary() {
      return "CreateTargetGroup " + group.name();
    }
  }

  /**
   * Sets a target group's attributes. Repeated on every update whose checkpoint does not claim the
   * model, so an attribute AWS once refused is never silently dropped by a later attempt.
   *
   * @param targetGroup the group's name
   * @param attributes the attributes
   */
  record SetTargetGroupAttributes(String targetGroup, Map<String, String> attributes)
      implements Step {
    /** Copies. */
    public SetTargetGroupAttributes {
      Objects.requireNonNull(targetGroup, "targetGroup");
      attributes = Map.copyOf(attributes);
    }

    @Override
    public String summary() {
      return "SetTargetGroupAttributes " + targetGroup;
    }
  }

  /**
   * Removes targets (before registering, so replacing instances works at the target limit).
   *
   * @param targetGroup the group's name
   * @param instances the instance IDs, sorted
   */
  record DeregisterTargets(String targetGroup, List<String> instances) implements Step {
    /** Copies. */
    public DeregisterTargets {
      Objects.requireNonNull(targetGroup, "targetGroup");
      instances = List.copyOf(instances);
    }

    @Override
    public String summary() {
      return "DeregisterTargets " + targetGroup + " " + instances;
    }
  }

  /**
   * Adds targets.
   *
   * @param targetGroup the group's name
   * @param instances the instance IDs, sorted
   */
  record RegisterTargets(String targetGroup, List<String> instances) implements Step {
    /** Copies. */
    public RegisterTargets {
      Objects.requireNonNull(targetGroup, "targetGroup");
      instances = List.copyOf(instances);
    }

    @Override
    public String summary() {
      return "RegisterTargets " + targetGroup + " " + instances;
    }
  }

  /**
   * Creates the NLB, tagged with the checkpoint of the model (so a finished create needs no
   * further tag write).
   *
   * @param model the model (name, scheme, subnets, addresses, tags)
   * @param securityGroups the groups to attach; empty for none
   * @param checkpoint the checkpoint to tag it with
   */
  record CreateLoadBalancer(
      NlbModel model, List<GroupRef> securityGroups, CheckpointTags checkpoint) implements Step {
    /** Copies. */
    public CreateLoadBalancer {
      Objects.requireNonNull(model, "model");
      securityGroups = List.copyOf(securityGroups);
      Objects.requireNonNull(checkpoint, "checkpoint");
    }

    @Override
    public String summary() {
      return "CreateLoadBalancer " + model.loadBalancerName();
    }
  }

  /**
   * Replaces the NLB's security groups.
   *
   * @param securityGroups the groups
   */
  record SetSecurityGroups(List<GroupRef> securityGroups) implements Step {
    /** Copies. */
    public SetSecurityGroups {
      securityGroups = List.copyOf(securityGroups);
    }

    @Override
    public String summary() {
      return "SetSecurityGroups " + securityGroups.size();
    }
  }

  /**
   * Sets the cross-zone attribute.
   *
   * @param enabled the value
   */
  record SetCrossZone(boolean enabled) implements Step {
    @Override
    public String summary() {
      return "SetCrossZone " + enabled;
    }
  }

  /**
   * Creates a listener.
   *
   * @param listener the listener
   * @param tags its tags
   */
  record CreateListener(ListenerModel listener, Map<String, String> tags) implements Step {
    /** Copies. */
    public CreateListener {
      Objects.requireNonNull(listener, "listener");
      tags = Map.copyOf(tags);
    }

    @Override
    public String summary() {
      return "CreateListener " + listener.port() + "/" + listener.protocol();
    }
  }

  /**
   * Changes a listener in place (protocol, target group, certificate, policy).
   *
   * @param listenerArn the listener
   * @param listener what it should be
   */
  record ModifyListener(String listenerArn, ListenerModel listener) implements Step {
    /** Checks. */
    public ModifyListener {
      Objects.requireNonNull(listenerArn, "listenerArn");
      Objects.requireNonNull(listener, "listener");
    }

    @Override
    public String summary() {
      return "ModifyListener " + listener.port() + "/" + listener.protocol();
    }
  }

  /**
   * Deletes a listener no port asks for.
   *
   * @param listenerArn the listener
   * @param port its port
   */
  record DeleteListener(String listenerArn, int port) implements Step {
    @Override
    public String summary() {
      return "DeleteListener " + port;
    }
  }

  /**
   * Deletes a target group no listener uses any more (replaced or removed port, or one of the
   * upstream provider's after adoption).
   *
   * @param name the group's name
   * @param arn its ARN
   */
  record DeleteTargetGroup(String name, String arn) implements Step {
    @Override
    public String summary() {
      return "DeleteTargetGroup " + name;
    }
  }

  /**
   * Writes the checkpoint, last: it claims that everything before it is in place.
   *
   * @param checkpoint the checkpoint
   */
  record WriteCheckpoint(CheckpointTags checkpoint) implements Step {
    @Override
    public String summary() {
      return "WriteCheckpoint";
    }
  }
}
