package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.aws.internal.model.ListenerModel;
import dev.fairlead.lb.aws.internal.model.Observed;
import dev.fairlead.lb.cloud.CallKind;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Certificate;

/** ELBv2 listeners of one NLB. */
final class Listeners {
  private final AwsClients aws;

  Listeners(AwsClients aws) {
    this.aws = aws;
  }

  Map<Integer, Observed.Listener> describe(String lbArn) {
    Map<Integer, Observed.Listener> listeners = new TreeMap<>();
    aws.gate()
        .call(
            "DescribeListeners",
            CallKind.READ,
            () -> aws.elb().describeListeners(b -> b.loadBalancerArn(lbArn)))
        .listeners()
        .forEach(
            l ->
                listeners.put(
                    l.port(),
                    new Observed.Listener(
                        l.listenerArn(),
                        l.port(),
                        l.protocolAsString(),
                        l.defaultActions().stream()
                            .map(Action::targetGroupArn)
                            .filter(Objects::nonNull)
                            .findFirst()
                            .orElse(""),
                        l.certificates().stream().map(Certificate::certificateArn).findFirst(),
                        Optional.ofNullable(l.sslPolicy()))));
    return listeners;
  }

  void create(String lbArn, ListenerModel listener, String targetGroupArn, Map<String, String> tags) {
    aws.gate()
        .run(
            "CreateListener",
            CallKind.CREATE,
            () ->
                aws.elb()
                    .createListener(
                        b -> {
                          b.loadBalancerArn(lbArn)
                              .port(listener.port())
                              .protocol(listener.protocol())
                              .defaultActions(forward(targetGroupArn))
                              .tags(Tags.elb(tags));
                          certificates(listener)
                              .ifPresent(
                                  certs -> {
                                    b.certificates(certs);
                                    listener.sslPolicy().ifPresent(b::sslPolicy);
                                  });
                        }));
  }

  void modify(String listenerArn, ListenerModel listener, String targetGroupArn) {
    aws.gate()
        .run(
            "ModifyListener",
            CallKind.WRITE,
            () ->
                aws.elb()
                    .modifyListener(
                        b -> {
                          b.listenerArn(listenerArn)
                              .port(listener.port())
                              .protocol(listener.protocol())
                              .defaultActions(forward(targetGroupArn));
                          certificates(listener)
                              .ifPresent(
                                  certs -> {
                                    b.certificates(certs);
                                    listener.sslPolicy().ifPresent(b::sslPolicy);
                                  });
                        }));
  }

  void delete(String listenerArn) {
    AwsErrors.ignoring(
        () ->
            aws.gate()
                .run(
                    "DeleteListener",
                    CallKind.WRITE,
                    () -> aws.elb().deleteListener(b -> b.listenerArn(listenerArn))),
        "ListenerNotFound");
  }

  private static Action forward(String targetGroupArn) {
    return Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroupArn).build();
  }

  private static Optional<List<Certificate>> certificates(ListenerModel listener) {
    return listener
        .certificateArn()
        .map(c -> List.of(Certificate.builder().certificateArn(c).build()));
  }
}
