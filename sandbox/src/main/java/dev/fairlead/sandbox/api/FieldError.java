package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One field's validation failure, worded like the API server's {@code field.Error}.
 *
 * @param type the error type
 * @param field the field path, e.g. {@code spec.ports[0].port}
 * @param value the offending value (rendered as JSON), or null
 * @param detail extra detail, or empty
 */
public record FieldError(Type type, String field, JsonNode value, String detail) {

  /** Error types with the API's cause reasons and message prefixes. */
  public enum Type {
    /** A value is wrong. */
    INVALID("FieldValueInvalid", "Invalid value"),
    /** A value is missing. */
    REQUIRED("FieldValueRequired", "Required value"),
    /** A value is not allowed here. */
    FORBIDDEN("FieldValueForbidden", "Forbidden"),
    /** A value is not one of the supported ones. */
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
    /** A value repeats another. */
    DUPLICATE("FieldValueDuplicate", "Duplicate value");

    private final String reason;
    private final String prefix;

    Type(String reason, String prefix) {
      this.reason = reason;
      this.prefix = prefix;
    }

    /**
     * The {@code StatusCause.reason}.
     *
     * @return the reason
     */
    public String reason() {
      return reason;
    }
  }

  static FieldError invalid(String field, JsonNode value, String detail) {
    return new FieldError(Type.INVALID, field, value, detail);
  }

  static FieldError invalid(String field, String value, String detail) {
    return invalid(field, TextNode.valueOf(value), detail);
  }

  static FieldError required(String field, String detail) {
    return new FieldError(Type.REQUIRED, field, null, detail);
  }

  static FieldError forbidden(String field, String detail) {
    return new FieldError(Type.FORBIDDEN, field, null, detail);
  }

  static FieldError notSupported(String field, String value, List<String> supported) {
    return new FieldError(Type.NOT_SUPPORTED, field, TextNode.valueOf(value),
        "supported values: " + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ")));
  }

  static FieldError duplicate(String field, JsonNode value) {
    return new FieldError(Type.DUPLICATE, field, value, "");
  }

  /**
   * The message without the field, as in {@code StatusCause.message}.
   *
   * @return e.g. {@code Invalid value: 0: must be between 1 and 65535, inclusive}
   */
  public String causeMessage() {
    StringBuilder out = new StringBuilder(type.prefix);
    if (type != Type.REQUIRED && type != Type.FORBIDDEN && value != null) {
      out.append(": ").append(Json.write(value));
    }
    if (!detail.isEmpty()) {
      out.append(": ").append(detail);
    }
    return out.toString();
  }

  /**
   * The full message, field first.
   *
   * @return e.g. {@code spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive}
   */
  public String message() {
    return field + ": " + causeMessage();
  }
}
