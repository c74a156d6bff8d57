package dev.fairlead.lb.aws.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.LoadBalancerException;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.aws.AwsProviderFactory;
import dev.fairlead.lb.aws.internal.AwsLoadBalancerProvider;
import dev.fairlead.lb.aws.internal.model.Annotations;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.cloud.CallGate;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.tck.Specs;
import dev.fairlead.sim.proxy.AwsErrors;
import dev.fairlead.sim.proxy.Fault;
import dev.fairlead.sim.proxy.FaultProxy;
import dev.fairlead.sim.proxy.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/**
 * Faults between the provider and moto (cloud-sim's proxy) and crashes at every step of create and
 * delete: the end state is exactly one correct NLB per Service, and nothing after deletes.
 */
class FaultToleranceIT {
  static final String CLUSTER = "fault-cluster";
  static MotoServer moto;
  static FaultProxy proxy;
  static ElasticLoadBalancingV2Client elb;
  static Ec2Client ec2;
  Specs specs = new Specs("fault-", MotoServer.nodes(3), new AwsProviderFactory().capabilities());

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    moto.seedCluster(CLUSTER);
    proxy = FaultProxy.start(moto.endpoint, 42);
    elb = moto.elb();
    ec2 = moto.ec2();
  }

  @AfterAll
  static void stop() {
    MotoServer.closeAll(elb, ec2, proxy, moto);
  }

  LoadBalancerProvider provider() {
    LoadBalancerProvider provider =
        new AwsProviderFactory()
            .create(
                MotoServer.context(
                    CLUSTER,
                    ProviderSettings.of(
                        Map.of(
                            "region",
                            MotoServer.REGION,
                            "endpoint",
                            proxy.uri().toString(),
                            "driftCheck",
                            "false",
                            "apiCallsPerSecond",
                            "500",
                            "maxThrottleDelay",
                            "2s")),
                    ApiCallListener.NONE));
    provider.recover(Map.of());
    return provider;
  }

  LoadBalancerSpec twoPorts() {
    return specs
        .forNewService()
        .ports(
            Specs.port(dev.fairlead.lb.api.Protocol.TCP, 80),
            Specs.port(dev.fairlead.lb.api.Protocol.TCP, 443))
        .build();
  }

  /** Retries like the controller does: until the provider succeeds. */
  static <T> T retrying(Supplier<T> call) {
    LoadBalancerException last = null;
    for (int i = 0; i < 30; i++) {
      try {
        return call.get();
      } catch (LoadBalancerException e) {
        last = e;
        try {
          Thread.sleep(e instanceof RetryLaterException ? 200 : 50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new AssertionError(ie);
        }
      }
    }
    throw new AssertionError("still failing after 30 attempts", last);
  }

  @Test
  void throttlingServerErrorsLatencyAndLostResponsesConvergeToExactlyOneNlbPerService() {
    List<FaultRule> rules =
        List.of(
            proxy.add(
                FaultRule.times(
                    "lost CreateLoadBalancer",
                    FaultRule.containing("Action=CreateLoadBalancer"),
                    new Fault.LoseResponse(),
                    2)),
            proxy.add(
                FaultRule.times(
                    "lost CreateListener",
                    FaultRule.containing("Action=CreateListener"),
                    new Fault.LoseResponse(),
                    2)),
            proxy.add(
                FaultRule.times(
                    "lost CreateTargetGroup",
                    FaultRule.containing("Action=CreateTargetGroup"),
                    new Fault.LoseResponse(),
                    2)),
            proxy.add(
                FaultRule.times(
                    "lost CreateSecurityGroup",
                    FaultRule.containing("Action=CreateSecurityGroup"),
                    new Fault.LoseResponse(),
                    2)),
            proxy.add(
                FaultRule.times(
                    "lost Authorize",
                    FaultRule.containing("Action=AuthorizeSecurityGroupIngress"),
                    new Fault.LoseResponse(),
                    1)),
            proxy.add(
                FaultRule.times(
                    "500 RegisterTargets",
                    FaultRule.containing("Action=RegisterTargets"),
                    AwsErrors.internalError(),
                    2)),
            proxy.add(
                FaultRule.randomly(
                    "slow describes",
                    FaultRule.containing("Action=Describe"),
                    new Fault.Delay(Duration.ofMillis(50)),
                    0.3)),
            proxy.add(
                FaultRule.randomly("throttling", FaultRule.any(), AwsErrors.throttling(), 0.15)));
    List<LoadBalancerSpec> created = new ArrayList<>();
    try (LoadBalancerProvider provider = provider()) {
      for (int i = 0; i < 4; i++) {
        LoadBalancerSpec spec = twoPorts();
        created.add(spec);
        LoadBalancerStatus status = retrying(() -> provider.ensure(spec));
        assertThat(status.ingress()).hasSize(1);
      }
      assertThat(rules).allSatisfy(r -> assertThat(r.fired()).as(r.toString()).isPositive());
      CallGate gate = ((AwsLoadBalancerProvider) provider).gate();
      assertThat(gate.throttleDelay(CallKind.READ).plus(gate.throttleDelay(CallKind.WRITE)))
          .as("throttling raised the shared delay")
          .isPositive();
      for (LoadBalancerSpec spec : created) {
        assertExactlyOneCorrectNlb(spec);
      }
      for (LoadBalancerSpec spec : created) {
        retrying(
            () -> {
              provider.ensureDeleted(spec.service());
              return null;
            });
        assertNothingLeft(spec.service());
      }
    } finally {
      proxy.clear();
    }
  }

  LoadBalancerSpec withDeregistrationDelay() {
    return specs
        .forNewService()
        .annotations(
            Map.of(Annotations.TG_ATTRIBUTES, "deregistration_delay.timeout_seconds=17"))
        .build();
  }

  @Test
  void anAttributeAwsRefusedOnceIsAppliedByTheRetryNotDropped() {
    LoadBalancerSpec spec = withDeregistrationDelay();
    proxy.add(
        FaultRule.times(
            "refuse attributes once",
            FaultRule.containing("Action=ModifyTargetGroupAttributes"),
            AwsErrors.error(400, "ValidationError", "attribute refused for the test"),
            1));
    try (LoadBalancerProvider provider = provider()) {
      assertThatThrownBy(() -> provider.ensure(spec))
          .isInstanceOfSatisfying(
              ProviderFailureException.class,
              e -> {
                assertThat(e.isUserError()).isTrue();
                assertThat(e.getMessage()).contains(Annotations.TG_ATTRIBUTES);
              });

      provider.ensure(spec);

      assertThat(deregistrationDelays(spec.service()))
          .as("the retry wrote the attribute instead of reporting success without it")
          .containsExactly("17");
      provider.ensureDeleted(spec.service());
    } finally {
      proxy.clear();
    }
  }

  @Test
  void anAttributeAwsAlwaysRefusesIsNeverReportedAsEnsured() {
    LoadBalancerSpec spec = withDeregistrationDelay();
    proxy.add(
        FaultRule.randomly(
            "refuse attributes",
            FaultRule.containing("Action=ModifyTargetGroupAttributes"),
            AwsErrors.error(400, "ValidationError", "attribute refused for the test"),
            1.0));
    try (LoadBalancerProvider provider = provider()) {
      for (int attempt = 1; attempt <= 3; attempt++) {
        assertThatThrownBy(() -> provider.ensure(spec))
            .as("attempt %d", attempt)
            .isInstanceOf(ProviderFailureException.class)
            .hasMessageContaining(Annotations.TG_ATTRIBUTES);
      }
      proxy.clear();
      provider.ensureDeleted(spec.service());
    } finally {
      proxy.clear();
    }
    assertNothingLeft(spec.service());
  }

  private List<String> deregistrationDelays(ServiceKey key) {
    return ownedTargetGroups(key).stream()
        .map(
            tg ->
                elb
                    .describeTargetGroupAttributes(b -> b.targetGroupArn(tg.targetGroupArn()))
                    .attributes()
                    .stream()
                    .filter(a -> a.key().equals("deregistration_delay.timeout_seconds"))
                    .map(a -> a.value())
                    .findFirst()
                    .orElse("unset"))
        .toList();
  }

  @Test
  void aCrashAtAnyStepOfCreateIsFinishedByTheNextInstance() {
    for (int crashAfter = 0; crashAfter <= 10; crashAfter++) {
      LoadBalancerSpec spec = twoPorts();
      crashAfter(crashAfter);
      try (LoadBalancerProvider doomed = provider()) {
        doomed.ensure(spec);
      } catch (LoadBalancerException expected) {
        // the instance "died" here
      } finally {
        proxy.clear();
      }
      try (LoadBalancerProvider next = provider()) {
        retrying(() -> next.ensure(spec));
        assertExactlyOneCorrectNlb(spec);
        retrying(
            () -> {
              next.ensureDeleted(spec.service());
              return null;
            });
      }
      assertNothingLeft(spec.service());
    }
  }

  @Test
  void aCrashAtAnyStepOfDeleteIsFinishedByTheNextInstance() {
    for (int crashAfter = 0; crashAfter <= 5; crashAfter++) {
      LoadBalancerSpec spec = twoPorts();
      try (LoadBalancerProvider first = provider()) {
        retrying(() -> first.ensure(spec));
      }
      crashAfter(crashAfter);
      try (LoadBalancerProvider doomed = provider()) {
        doomed.ensureDeleted(spec.service());
      } catch (LoadBalancerException expected) {
        // died mid-delete
      } finally {
        proxy.clear();
      }
      try (LoadBalancerProvider next = provider()) {
        retrying(
            () -> {
              next.ensureDeleted(spec.service());
              return null;
            });
        assertThat(next.find(spec.service())).isEmpty();
      }
      assertNothingLeft(spec.service());
    }
  }

  /**
   * After {@code calls} more requests (discovery excluded), the next request is applied but its
   * answer lost, and every later one fails: the process is gone.
   */
  private void crashAfter(int calls) {
    AtomicInteger seen = new AtomicInteger();
    proxy.add(
        FaultRule.randomly(
            "crash",
            r ->
                !r.bodyText().contains("Action=DescribeSubnets")
                    && !r.bodyText().contains("Action=DescribeSecurityGroups&")
                    && seen.incrementAndGet() == calls + 1,
            new Fault.LoseResponse(),
            1.0));
    proxy.add(
        FaultRule.randomly(
            "dead",
            r -> seen.get() > calls,
            AwsErrors.error(400, "ProcessCrashed", "the controller crashed"),
            1.0));
  }

  private String lbName(ServiceKey key) {
    return Names.loadBalancer(CLUSTER, key);
  }

  private void assertExactlyOneCorrectNlb(LoadBalancerSpec spec) {
    String name = lbName(spec.service());
    List<LoadBalancer> lbs =
        elb.describeLoadBalancers().loadBalancers().stream()
            .filter(lb -> lb.loadBalancerName().equals(name))
            .toList();
    assertThat(lbs).as("NLBs named %s", name).hasSize(1);
    var listeners =
        elb.describeListeners(b -> b.loadBalancerArn(lbs.getFirst().loadBalancerArn())).listeners();
    assertThat(listeners).extracting(l -> l.port()).containsExactlyInAnyOrder(80, 443);
    List<TargetGroup> groups =
        elb.describeTargetGroups().targetGroups().stream()
            .filter(
                tg ->
                    listeners.stream()
                        .anyMatch(
                            l ->
                                l.defaultActions()
                                    .getFirst()
                                    .targetGroupArn()
                                    .equals(tg.targetGroupArn())))
            .toList();
    assertThat(groups).hasSize(2);
    for (TargetGroup tg : groups) {
      assertThat(
              elb.describeTargetHealth(b -> b.targetGroupArn(tg.targetGroupArn()))
                  .targetHealthDescriptions())
          .extracting(d -> d.target().id())
          .containsExactlyInAnyOrder(
              MotoServer.instance(1), MotoServer.instance(2), MotoServer.instance(3));
    }
    assertThat(ownedTargetGroups(spec.service())).as("target groups of %s", name).hasSize(2);
    assertThat(frontendGroups(spec.service())).hasSize(1);
  }

  private void assertNothingLeft(ServiceKey key) {
    String name = lbName(key);
    assertThat(elb.describeLoadBalancers().loadBalancers())
        .noneMatch(lb -> lb.loadBalancerName().equals(name));
    assertThat(ownedTargetGroups(key)).as("leaked target groups of %s", name).isEmpty();
    assertThat(frontendGroups(key)).as("leaked security groups of %s", name).isEmpty();
  }

  private List<TargetGroup> ownedTargetGroups(ServiceKey key) {
    List<TargetGroup> all = elb.describeTargetGroups().targetGroups();
    if (all.isEmpty()) {
      return List.of();
    }
    List<TargetGroup> owned = new ArrayList<>();
    for (TargetGroup tg : all) {
      boolean ours =
          elb.describeTags(b -> b.resourceArns(tg.targetGroupArn())).tagDescriptions().stream()
              .flatMap(d -> d.tags().stream())
              .anyMatch(
                  t -> t.key().equals("fairlead.dev/service-uid") && t.value().equals(key.uid()));
      if (ours) {
        owned.add(tg);
      }
    }
    return owned;
  }

  private List<String> frontendGroups(ServiceKey key) {
    return ec2
        .describeSecurityGroups(
            b ->
                b.filters(
                    Filter.builder()
                        .name("tag:fairlead.dev/service-uid")
                        .values(key.uid())
                        .build()))
        .securityGroups()
        .stream()
        .map(g -> g.groupId())
        .toList();
  }
}
