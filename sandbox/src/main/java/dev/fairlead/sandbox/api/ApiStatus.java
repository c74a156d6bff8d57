package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;

/** {@code meta/v1 Status} bodies for errors, worded like the API server's. */
public final class ApiStatus {
  private ApiStatus() {}

  /**
   * A failure Status.
   *
   * @param code the HTTP code
   * @param reason e.g. NotFound, AlreadyExists, Conflict, Invalid, BadRequest
   * @param message the message
   * @param kind the kind's plural or kind for details, or null
   * @param name the object name for details, or null
   * @return the Status
   */
  public static ObjectNode failure(int code, String reason, String message, String kind, String name) {
    ObjectNode status = Json.object().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason);
    if (kind != null || name != null) {
      ObjectNode details = status.putObject("details");
      if (name != null) {
        details.put("name", name);
      }
      if (kind != null) {
        details.put("kind", kind);
      }
    }
    status.put("code", code);
    return status;
  }

  /**
   * {@code 404 NotFound}: {@code services "web" not found}.
   *
   * @param plural the resource plural (with group, as the API words it)
   * @param name the name
   * @return the Status
   */
  public static ObjectNode notFound(String plural, String name) {
    return failure(404, "NotFound", plural + " \"" + name + "\" not found", plural, name);
  }

  /**
   * {@code 422 Invalid} with one cause per field error.
   *
   * @param kind the kind, e.g. Service
   * @param group the API group ("" for core)
   * @param name the object name
   * @param errors the errors (not empty)
   * @return the Status
   */
  public static ObjectNode invalid(String kind, String group, String name, List<FieldError> errors) {
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    String list = errors.size() == 1 ? errors.get(0).message()
        : "[" + errors.stream().map(FieldError::message).collect(Collectors.joining(", ")) + "]";
    ObjectNode status = failure(422, "Invalid", qualified + " \"" + name + "\" is invalid: " + list,
        kind, name);
    ObjectNode details = (ObjectNode) status.get("details");
    if (!group.isEmpty()) {
      details.put("group", group);
    }
    ArrayNode causes = details.putArray("causes");
    for (FieldError e : errors) {
      causes.addObject().put("reason", e.type().reason()).put("message", e.causeMessage())
          .put("field", e.field());
    }
    return status;
  }
}
