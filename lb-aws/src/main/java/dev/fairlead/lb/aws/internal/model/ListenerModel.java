package dev.fairlead.lb.aws.internal.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One NLB listener.
 *
 * @param port the port clients connect to
 * @param protocol {@code TCP}, {@code UDP}, {@code TCP_UDP} or {@code TLS}
 * @param targetGroup the target group it forwards to
 * @param certificateArn the certificate, for TLS
 * @param sslPolicy the TLS policy, for TLS
 */
public record ListenerModel(
    int port,
    String protocol,
    TargetGroupModel targetGroup,
    Optional<String> certificateArn,
    Optional<String> sslPolicy) {

  /** Validates. */
  public ListenerModel {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(targetGroup, "targetGroup");
    Objects.requireNonNull(certificateArn, "certificateArn");
    Objects.requireNonNull(sslPolicy, "sslPolicy");
  }
}
