package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.ProviderFailureException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Error codes the provider reacts to, and the failures it reports. */
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

  static String message(AwsServiceException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
        ? e.getMessage()
        : e.awsErrorDetails().errorMessage();
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

  /** Runs a call, ignoring the given codes (a delete of something already gone). */
  static void ignoring(Runnable call, String... codes) {
    try {
      call.run();
    } catch (AwsServiceException e) {
      if (!is(e, codes)) {
        throw e;
      }
    }
  }

  static ProviderFailureException failure(String what, AwsServiceException e) {
    return new ProviderFailureException(what + ": " + code(e) + ": " + message(e), e);
  }
}
