package dev.fairlead.lb.aws.internal;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Error codes the provider reacts to. */
final class AwsErrors {
  private AwsErrors() {}

  /** Errors that mean our picture of AWS is out of date: look again, then converge. */
  static final Set<String> STALE =
      Set.of(
          "DuplicateLoadBalancerName",
          "DuplicateListener",
          "DuplicateTargetGroupName",
          "InvalidGroup.Duplicate",
          "InvalidPermission.Duplicate",
          "InvalidPermission.NotFound",
          "LoadBalancerNotFound",
          "ListenerNotFound",
          "TargetGroupNotFound",
          "InvalidGroup.NotFound",
          "InvalidGroupId.NotFound",
          "TargetGroupAssociationLimit",
          "ResourceInUse");

  static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
        ? Integer.toString(e.statusCode())
        : e.awsErrorDetails().errorCode();
  }

  static boolean is(AwsServiceException e, String... codes) {
    String code = code(e);
    for (String candidate : codes) {
      if (candidate.equals(code)) {
        return true;
      }
    }
    return false;
  }

  static boolean stale(AwsServiceException e) {
    return STALE.contains(code(e));
  }
}
