package dev.fairlead.lb.aws.internal.model;

import static dev.fairlead.lb.aws.internal.model.Annotations.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.aws.internal.AwsProviders;
import dev.fairlead.lb.cloud.UpstreamNames;
import dev.fairlead.lb.tck.Specs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plan for every kind of difference between desired and observed, as a table: each row a
 * desired model, what AWS holds, and the steps in order (target group names shown as {@code tg<port>}
 * for the desired model's, {@code old<port>} for those of the model AWS holds).
 */
class PlannerTest {
  static final ServiceKey KEY =
      new ServiceKey("shop", "web", "3f1c2a9e-8b7d-4c6e-9a1b-2c3d4e5f6a7b");
  static final String ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:";
  static final String BACKEND = "sg-0bac0000000000000";
  static final String FRONTEND = "sg-0f00000000000000f";
  static final List<BackendNode> TWO_NODES = nodes("a", "b");
  static final List<BackendNode> THREE_NODES = nodes("a", "b", "c");
  static final ModelBuilder BUILDER = new ModelBuilder("prod");
  static final Specs SPECS = new Specs("plan-", TWO_NODES, AwsProviders.capabilities());

  static List<BackendNode> nodes(String... suffixes) {
    List<BackendNode> nodes = new ArrayList<>();
    for (String s : suffixes) {
      nodes.add(
          new BackendNode(
              "n-" + s, "aws:///eu-west-1a/i-000000000000000" + s, List.of(), Map.of()));
    }
    return nodes;
  }

  static Specs.Builder spec() {
    return SPECS.forService(KEY).ports(new PortMapping("http", Protocol.TCP, 80, 30080));
  }

  static NlbModel model(Specs.Builder spec) {
    return BUILDER.build(spec.build());
  }

  static NlbModel model(Map<String, String> annotations) {
    return model(spec().annotations(annotations));
  }

  /** What AWS holds once {@code applied} was converged and checkpointed. */
  static Observed converged(NlbModel applied) {
    Map<String, String> tgArns = new LinkedHashMap<>();
    Map<String, Set<String>> targets = new HashMap<>();
    int id = 1;
    for (TargetGroupModel tg : applied.targetGroups()) {
      tgArns.put(tg.name(), ARN + "targetgroup/" + tg.name() + "/" + "000000000000000" + id++);
      targets.put(tg.name(), applied.targets());
    }
    Map<Integer, Observed.Listener> listeners = new TreeMap<>();
    for (ListenerModel l : applied.listeners()) {
      listeners.put(
          l.port(),
          new Observed.Listener(
              ARN + "listener/net/x/" + l.port(),
              l.port(),
              l.protocol(),
              tgArns.get(l.targetGroup().name()),
              l.certificateArn(),
              l.sslPolicy()));
    }
    Map<String, String> lbTags = new TreeMap<>(applied.tagsFor("load-balancer"));
    lbTags.putAll(CheckpointTags.of(applied).tags(tgArns));
    List<String> groups =
        applied.managedFrontend()
            ? List.of(FRONTEND, BACKEND)
            : new ArrayList<>(applied.byoSecurityGroups());
    if (!applied.managedFrontend()) {
      groups.add(BACKEND);
    }
    return new Observed(
        Optional.of(
            new Observed.Lb(
                ARN + "loadbalancer/net/" + applied.loadBalancerName() + "/0123",
                applied.loadBalancerName(),
                applied.loadBalancerName() + "-0123.elb.eu-west-1.amazonaws.com",
                applied.internal() ? "internal" : "internet-facing",
                groups,
                lbTags)),
        listeners,
        tgArns,
        targets,
        Optional.of(new Observed.Sg(FRONTEND, applied.frontendRules())));
  }

  static Observed withLbTag(Observed observed, String key, String value) {
    Observed.Lb lb = observed.loadBalancer().orElseThrow();
    Map<String, String> tags = new HashMap<>(lb.tags());
    tags.put(key, value);
    return new Observed(
        Optional.of(
            new Observed.Lb(
                lb.arn(), lb.name(), lb.dnsName(), lb.scheme(), lb.securityGroups(), tags)),
        observed.listeners(),
        observed.targetGroups(),
        observed.targets(),
        observed.frontend());
  }

  /** Target groups and the frontend group exist, the NLB does not: a create that failed halfway. */
  static Observed withoutLoadBalancer(Observed observed) {
    return new Observed(
        Optional.empty(),
        Map.of(),
        observed.targetGroups(),
        observed.targets(),
        observed.frontend());
  }

  /** The in-tree provider's NLB: named a<uid>, no security groups, its own target group. */
  static Observed upstream(NlbModel desired) {
    String name = UpstreamNames.loadBalancerName(KEY);
    String tg = ARN + "targetgroup/k8s-shop-web-0a1b2c3d4e/00000000000000ff";
    return new Observed(
        Optional.of(
            new Observed.Lb(
                ARN + "loadbalancer/net/" + name + "/0456",
                name,
                name + "-0456.elb.eu-west-1.amazonaws.com",
                "internet-facing",
                List.of(),
                Map.of(
                    NlbModel.CLUSTER_TAG_PREFIX + "prod",
                    "owned",
                    NlbModel.SERVICE_NAME_TAG,
                    "shop/web"))),
        Map.of(80, new Observed.Listener(ARN + "listener/net/up/80", 80, "TCP", tg,
            Optional.empty(), Optional.empty())),
        Map.of("k8s-shop-web-0a1b2c3d4e", tg),
        Map.of(),
        Optional.empty());
  }

  static final NlbModel PLAIN = model(Map.of());
  static final NlbModel PLAIN_THREE_NODES = model(spec().backends(THREE_NODES));
  static final NlbModel TWO_PORTS =
      model(
          spec()
              .ports(
                  new PortMapping("http", Protocol.TCP, 80, 30080),
                  new PortMapping("https", Protocol.TCP, 443, 30443)));
  static final String AB = "[i-000000000000000a, i-000000000000000b]";

  static Stream<Arguments> plans() {
    NlbModel crossZone = model(Map.of(CROSS_ZONE, "true"));
    NlbModel attributes = model(Map.of(TG_ATTRIBUTES, "deregistration_delay.timeout_seconds=30"));
    NlbModel healthCheck = model(Map.of(HC_INTERVAL, "10"));
    NlbModel narrowed = model(spec().sourceRanges(Cidr.parse("203.0.113.0/24")));
    NlbModel byo = model(Map.of(SECURITY_GROUPS, "sg-0123456789abcdef0"));
    NlbModel nlbType = model(Map.of(TYPE, "nlb"));
    return Stream.of(
        row(
            "a new Service: groups first, then target groups, the NLB with its checkpoint, listeners",
            PLAIN,
            null,
            Observed.nothing(),
            "CreateFrontendGroup fairlead-frontend-lb",
            "AuthorizeFrontend 2",
            "CreateTargetGroup tg80",
            "RegisterTargets tg80 " + AB,
            "CreateLoadBalancer lb",
            "CreateListener 80/TCP"),
        row("converged and checkpointed: nothing", PLAIN, PLAIN, converged(PLAIN)),
        row(
            "a node joined: register it, rewrite the targets hash",
            PLAIN_THREE_NODES,
            PLAIN,
            converged(PLAIN),
            "RegisterTargets tg80 [i-000000000000000c]",
            "WriteCheckpoint"),
        row(
            "a node left: deregister it",
            PLAIN,
            PLAIN_THREE_NODES,
            converged(PLAIN_THREE_NODES),
            "DeregisterTargets tg80 [i-000000000000000c]",
            "WriteCheckpoint"),
        row(
            "a changed health check: new group, listener switched, old group deleted after",
            healthCheck,
            PLAIN,
            converged(PLAIN),
            "TagLoadBalancer withdraw checkpoint",
            "CreateTargetGroup tg80",
            "RegisterTargets tg80 " + AB,
            "ModifyListener 80/TCP",
            "DeleteTargetGroup old80",
            "WriteCheckpoint"),
        row(
            "narrowed source ranges: revoke what is extra, authorize what is missing",
            narrowed,
            PLAIN,
            converged(PLAIN),
            "TagLoadBalancer withdraw checkpoint",
            "RevokeFrontend 2",
            "AuthorizeFrontend 2",
            "WriteCheckpoint"),
        row(
            "a removed port: its listener, then its target group",
            PLAIN,
            TWO_PORTS,
            converged(TWO_PORTS),
            "TagLoadBalancer withdraw checkpoint",
            "RevokeFrontend 1",
            "DeleteListener 443",
            "DeleteTargetGroup old443",
            "WriteCheckpoint"),
        row(
            "cross-zone is not rewritten while the checkpoint claims the model",
            crossZone,
            crossZone,
            converged(crossZone)),
        row(
            "cross-zone is written again after an interrupted update",
            crossZone,
            crossZone,
            withLbTag(converged(crossZone), NlbModel.MODEL_HASH_TAG, CheckpointTags.UPDATING),
            "TagLoadBalancer withdraw checkpoint",
            "SetCrossZone true",
            "WriteCheckpoint"),
        row(
            "attributes AWS refused once are written again on the retry, never dropped",
            attributes,
            attributes,
            withoutLoadBalancer(converged(attributes)),
            "SetTargetGroupAttributes tg80",
            "CreateLoadBalancer lb",
            "CreateListener 80/TCP"),
        row(
            "attributes are not rewritten while the checkpoint claims the model",
            attributes,
            attributes,
            converged(attributes)),
        row(
            "user security groups replace the managed frontend group",
            byo,
            PLAIN,
            converged(PLAIN),
            "TagLoadBalancer withdraw checkpoint",
            "SetSecurityGroups 2",
            "WriteCheckpoint"),
        row(
            "the upstream provider's NLB is adopted: tagged first, its listener switched, its group"
                + " deleted, no security groups (AWS cannot add them)",
            nlbType,
            null,
            upstream(nlbType),
            "TagLoadBalancer adopt",
            "CreateTargetGroup tg80",
            "RegisterTargets tg80 " + AB,
            "ModifyListener 80/TCP",
            "DeleteTargetGroup k8s-shop-web-0a1b2c3d4e",
            "WriteCheckpoint"));
  }

  static Arguments row(
      String name, NlbModel desired, NlbModel applied, Observed observed, String... steps) {
    return Arguments.of(name, desired, applied, observed, List.of(steps));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void planIsTheExpectedStepsInOrder(
      String name, NlbModel desired, NlbModel applied, Observed observed, List<String> steps) {
    Plan plan = Planner.plan(desired, observed, BACKEND);

    assertThat(readable(plan.summaries(), desired, applied)).containsExactlyElementsOf(steps);
  }

  @Test
  void aCreateAttachesTheNewFrontendAndTheBackendGroupAndCarriesTheCheckpoint() {
    Plan plan = Planner.plan(PLAIN, Observed.nothing(), BACKEND);

    Step.CreateLoadBalancer create =
        plan.steps().stream()
            .filter(Step.CreateLoadBalancer.class::isInstance)
            .map(Step.CreateLoadBalancer.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(create.securityGroups())
        .containsExactly(new GroupRef.NewFrontend(), new GroupRef.Existing(BACKEND));
    assertThat(create.checkpoint()).isEqualTo(CheckpointTags.of(PLAIN));
  }

  @Test
  void theSchemeCannotChangeAndNothingIsPlanned() {
    NlbModel internal = model(Map.of(INTERNAL, "true"));

    assertThatThrownBy(() -> Planner.plan(internal, converged(PLAIN), BACKEND))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining(INTERNAL)
        .hasMessageContaining("cannot change the scheme");
  }

  @Test
  void checkpointTagsLeaveOutIdsThatDoNotFitATag() {
    CheckpointTags many =
        new CheckpointTags(
            "m", "t", java.util.stream.IntStream.range(0, 20).mapToObj(i -> "tg" + i).toList());
    Map<String, String> arns = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      arns.put("tg" + i, ARN + "targetgroup/tg" + i + "/0123456789abcdef");
    }

    assertThat(many.tags(arns))
        .containsEntry(NlbModel.MODEL_HASH_TAG, "m")
        .doesNotContainKey(NlbModel.TARGET_GROUP_IDS_TAG);
    assertThat(CheckpointTags.of(PLAIN).tags(converged(PLAIN).targetGroups()))
        .containsKey(NlbModel.TARGET_GROUP_IDS_TAG);
  }

  /** Target group and NLB names as tg<port> / old<port> / lb, so the table reads. */
  static List<String> readable(List<String> summaries, NlbModel desired, NlbModel applied) {
    Map<String, String> names = new LinkedHashMap<>();
    if (applied != null) {
      applied.listeners().forEach(l -> names.put(l.targetGroup().name(), "old" + l.port()));
    }
    desired.listeners().forEach(l -> names.put(l.targetGroup().name(), "tg" + l.port()));
    names.put(desired.frontendSecurityGroupName(), "fairlead-frontend-lb");
    names.put(desired.loadBalancerName(), "lb");
    return summaries.stream()
        .map(
            s -> {
              String out = s;
              for (Map.Entry<String, String> e : names.entrySet()) {
                out = out.replace(e.getKey(), e.getValue());
              }
              return out;
            })
        .toList();
  }
}
