package dev.fairlead.sim.proxy;

import java.util.UUID;

/**
 * Error answers in the AWS wire formats, for {@link Fault.Reject}: the query-protocol services
 * (ELBv2, IAM, ...) answer {@code <ErrorResponse>}, EC2 answers {@code <Response><Errors>}. The
 * service is read from the request's SigV4 credential scope.
 */
public final class AwsErrors {
  private AwsErrors() {}

  /**
   * Throttling as the service in question reports it: {@code RequestLimitExceeded} (HTTP 503) from
   * EC2, {@code Throttling} (HTTP 400) from the others.
   *
   * @return the fault
   */
  public static Fault throttling() {
    return new Fault.Reject(
        request ->
            isEc2(request)
                ? ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.")
                : isJson(request)
                    ? jsonError(400, "ThrottlingException", "Rate exceeded")
                    : queryError(400, "Sender", "Throttling", "Rate exceeded"));
  }

  /**
   * An internal error (HTTP 500) in the service's format; not forwarded.
   *
   * @return the fault
   */
  public static Fault internalError() {
    return new Fault.Reject(
        request ->
            isEc2(request)
                ? ec2Error(500, "InternalError", "An internal error has occurred")
                : isJson(request)
                    ? jsonError(500, "InternalServiceException", "An internal error occurred")
                    : queryError(500, "Receiver", "InternalFailure", "An internal error occurred"));
  }

  /**
   * Any error, in the format of the service the request was signed for; not forwarded.
   *
   * @param status the HTTP status
   * @param code the AWS error code
   * @param message the message
   * @return the fault
   */
  public static Fault error(int status, String code, String message) {
    return new Fault.Reject(
        request ->
            isEc2(request)
                ? ec2Error(status, code, message)
                : isJson(request)
                    ? jsonError(status, code, message)
                    : queryError(status, status >= 500 ? "Receiver" : "Sender", code, message));
  }

  /**
   * Whether a request is signed for EC2.
   *
   * @param request the request
   * @return true for EC2
   */
  public static boolean isEc2(ProxiedRequest request) {
    return request.header("Authorization").map(a -> a.contains("/ec2/aws4_request")).orElse(false);
  }

  /**
   * Whether a request uses the AWS JSON protocol ({@code X-Amz-Target}), as the tagging API does.
   *
   * @param request the request
   * @return true for JSON-protocol services
   */
  public static boolean isJson(ProxiedRequest request) {
    return request.header("X-Amz-Target").isPresent();
  }

  private static Fault.CannedResponse jsonError(int status, String code, String message) {
    return new Fault.CannedResponse(
        status,
        "application/x-amz-json-1.1",
        "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}");
  }

  private static Fault.CannedResponse ec2Error(int status, String code, String message) {
    return new Fault.CannedResponse(
        status,
        "text/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message></Error></Errors><RequestID>"
            + UUID.randomUUID()
            + "</RequestID></Response>");
  }

  private static Fault.CannedResponse queryError(
      int status, String type, String code, String message) {
    return new Fault.CannedResponse(
        status,
        "text/xml",
        "<ErrorResponse><Error><Type>"
            + type
            + "</Type><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message></Error><RequestId>"
            + UUID.randomUUID()
            + "</RequestId></ErrorResponse>");
  }
}
