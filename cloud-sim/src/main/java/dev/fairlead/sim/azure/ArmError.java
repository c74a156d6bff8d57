package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serial;
import java.util.List;
import java.util.Map;

/**
 * An error answer in ARM's format, {@code {"error":{"code","message","details"}}}. The factories
 * reproduce the codes and wording of real Azure Resource Manager / Microsoft.Network responses
 * (taken from published client logs), so clients parse and classify them as they would in Azure.
 */
final class ArmError extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** One entry of {@code details}. */
  record Detail(String code, String message) {}

  private final int status;
  private final String code;
  private final List<Detail> details;
  private final Map<String, String> headers;

  ArmError(int status, String code, String message) {
    this(status, code, message, List.of(), Map.of());
  }

  ArmError(int status, String code, String message, List<Detail> details, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = List.copyOf(details);
    this.headers = Map.copyOf(headers);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  Map<String, String> headers() {
    return headers;
  }

  ObjectNode body() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", getMessage());
    ArrayNode list = error.putArray("details");
    for (Detail d : details) {
      list.addObject().put("code", d.code()).put("message", d.message());
    }
    return root;
  }

  static ArmError resourceNotFound(ResourceId id) {
    return new ArmError(
        404,
        "ResourceNotFound",
        "The Resource '"
            + id.provider()
            + "/"
            + id.type()
            + "/"
            + id.name()
            + "' under resource group '"
            + id.resourceGroup()
            + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
  }

  static ArmError childNotFound(String childId) {
    return new ArmError(404, "NotFound", "Resource " + childId + " not found.");
  }

  static ArmError resourceGroupNotFound(String resourceGroup) {
    return new ArmError(
        404, "ResourceGroupNotFound", "Resource group '" + resourceGroup + "' could not be found.");
  }

  static ArmError etagMismatch(String given, String actual, String id) {
    return new ArmError(
        412,
        "PreconditionFailed",
        "Precondition failed.",
        List.of(
            new Detail(
                "PreconditionFailedEtagMismatch",
                "Etag provided in if-match header "
                    + given
                    + " does not match etag "
                    + actual
                    + " of resource "
                    + id
                    + " in NRP data store.")),
        Map.of());
  }

  static ArmError preconditionFailed(String message) {
    return new ArmError(412, "PreconditionFailed", message);
  }

  static ArmError invalidReference(String referenced, String referencing) {
    return new ArmError(
        400,
        "InvalidResourceReference",
        "Resource "
            + referenced
            + " referenced by resource "
            + referencing
            + " was not found. Please make sure that the referenced resource exists, and that both"
            + " resources are in the same region.");
  }

  static ArmError notProvisioned(String referenced, String referencing, String state) {
    return new ArmError(
        400,
        "ReferencedResourceNotProvisioned",
        "Cannot proceed with operation because resource "
            + referenced
            + " used by resource "
            + referencing
            + " is not in Succeeded state. Resource is in "
            + state
            + " state and the last operation that updated/is updating the resource is"
            + " PutPublicIpAddressOperation.");
  }

  static ArmError badRequest(String code, String message) {
    return new ArmError(400, code, message);
  }

  static ArmError anotherOperation(String operationUrl) {
    return new ArmError(
        409,
        "AnotherOperationInProgress",
        "Another operation on this or dependent resource is in progress. To retrieve status of the"
            + " operation use uri: "
            + operationUrl
            + ".",
        List.of(),
        Map.of("Retry-After", "1"));
  }

  static ArmError throttled(String subscription, String lane, int retryAfterSeconds) {
    return new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        "Number of '"
            + lane
            + "' requests for subscription '"
            + subscription
            + "' actor 'fairlead-sim' exceeded. Please try again after '"
            + retryAfterSeconds
            + "' seconds after additional tokens are available. Refer to"
            + " https://aka.ms/arm-throttling",
        List.of(),
        Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
  }

  static ArmError invalidContent(String why) {
    return new ArmError(
        400,
        "InvalidRequestContent",
        "The request content was invalid and could not be deserialized: '" + why + "'.");
  }
}
