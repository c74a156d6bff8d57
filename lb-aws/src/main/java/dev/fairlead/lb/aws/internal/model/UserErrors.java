package dev.fairlead.lb.aws.internal.model;

import static dev.fairlead.lb.aws.internal.model.Annotations.*;

import java.util.Optional;
import java.util.Set;

/**
 * Which AWS refusals are the user's to fix (a certificate or subnet that does not exist, a value AWS
 * rejects, a missing permission, a full quota) and what to tell them, naming the annotation where
 * one is to blame. Such failures are reported as one Warning and one log line, not a stack trace on
 * every retry. Pure: the error code, message and the step that failed in; text out.
 */
public final class UserErrors {
  private UserErrors() {}

  private static final Set<String> CERTIFICATE =
      Set.of("CertificateNotFound", "CertificateNotFoundException", "UnsupportedCertificate");
  private static final Set<String> SUBNET =
      Set.of("InvalidSubnet", "SubnetNotFound", "InvalidSubnetID.NotFound");
  private static final Set<String> ALLOCATION =
      Set.of("AllocationIdNotFound", "InvalidAllocationID.NotFound");
  private static final Set<String> REJECTED = Set.of("ValidationError", "InvalidConfigurationRequest");
  private static final Set<String> PERMISSION =
      Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure");

  /**
   * Explains a refusal the user must fix.
   *
   * @param step the step that failed
   * @param code the AWS error code
   * @param message AWS's message
   * @return the text for the Warning, or empty if this is not a user error
   */
  public static Optional<String> explain(Step step, String code, String message) {
    String detail = " (AWS: " + code + ": " + message + ")";
    if (CERTIFICATE.contains(code)) {
      return Optional.of(SSL_CERT + ": the certificate does not exist or cannot be used" + detail);
    }
    if (code.equals("SSLPolicyNotFound")) {
      return Optional.of(SSL_POLICY + ": no such TLS policy" + detail);
    }
    if (code.equals("InvalidSecurityGroup")) {
      return Optional.of(SECURITY_GROUPS + ": a security group does not exist" + detail);
    }
    if (SUBNET.contains(code)) {
      return Optional.of(SUBNETS + ": a subnet does not exist or cannot be used" + detail);
    }
    if (ALLOCATION.contains(code)) {
      return Optional.of(EIP_ALLOCATIONS + ": an Elastic IP allocation does not exist" + detail);
    }
    if (PERMISSION.contains(code)) {
      return Optional.of(
          "the controller's AWS credentials may not "
              + step.summary().split(" ")[0]
              + "; grant the IAM permission"
              + detail);
    }
    if (code.startsWith("TooMany") || code.endsWith("LimitExceeded") && !code.equals("RequestLimitExceeded")) {
      return Optional.of("an AWS quota is reached; raise it or remove unused resources" + detail);
    }
    if (REJECTED.contains(code)) {
      return Optional.of(rejected(step) + detail);
    }
    return Optional.empty();
  }

  private static String rejected(Step step) {
    return switch (step) {
      case Step.SetTargetGroupAttributes s -> TG_ATTRIBUTES + ": AWS rejects the attributes";
      case Step.SetCrossZone s -> CROSS_ZONE + ": AWS rejects the value";
      case Step.CreateTargetGroup s ->
          "AWS rejects the health check (" + PREFIX + "healthcheck-* annotations)";
      case Step.CreateListener s -> "AWS rejects the listener on port " + s.listener().port()
          + " (" + SSL_CERT + ", " + SSL_POLICY + ")";
      case Step.ModifyListener s -> "AWS rejects the listener on port " + s.listener().port()
          + " (" + SSL_CERT + ", " + SSL_POLICY + ")";
      case Step.CreateLoadBalancer s -> "AWS rejects the NLB (" + SUBNETS + ", " + EIP_ALLOCATIONS
          + ", " + PRIVATE_IPV4 + ")";
      case Step.SetSecurityGroups s -> SECURITY_GROUPS + ": AWS rejects the security groups";
      default -> "AWS rejects " + step.summary().split(" ")[0];
    };
  }
}
