package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * One ARM resource type of the simulator: what a PUT must contain, what the stored representation
 * adds, which other resources it references and which reference it. The shared store runs the
 * protocol (ids, ETags, provisioning states, operations); a kind knows only its own rules.
 */
interface ResourceKind {

  /**
   * The type segment of the URL, such as {@code loadBalancers}.
   *
   * @return the type
   */
  String type();

  /**
   * The child collections that are addressable as sub-resources, such as {@code probes}; every
   * element gets an id, an ETag and a provisioning state.
   *
   * @return the property names of the collections
   */
  List<String> children();

  /**
   * Validates a PUT body and completes it into the stored representation (defaults, allocated
   * addresses, read-only back references). Generic fields (id, name, type, etag, provisioning
   * state) are already set.
   *
   * @param store the store, to look up referenced resources
   * @param id the resource
   * @param body the new representation, to complete in place
   * @param existing the current representation, or null when it is created
   * @throws ArmError if the body is invalid
   */
  void prepare(ArmStore store, ResourceId id, ObjectNode body, ObjectNode existing);

  /**
   * Updates what other resources record about this one (back references) after a write.
   *
   * @param store the store
   * @param stored the written representation
   * @param previous the representation before, or null
   */
  default void afterWrite(ArmStore store, ObjectNode stored, ObjectNode previous) {}

  /**
   * Refuses a delete while the resource is in use.
   *
   * @param store the store
   * @param existing the resource
   * @throws ArmError if it is in use
   */
  default void beforeDelete(ArmStore store, ObjectNode existing) {}

  /**
   * Clears what other resources record about this one after it is gone.
   *
   * @param store the store
   * @param removed the removed representation
   */
  default void afterDelete(ArmStore store, ObjectNode removed) {}

  // ---- small JSON helpers shared by the kinds ----

  static ObjectNode properties(ObjectNode resource) {
    JsonNode p = resource.get("properties");
    if (p instanceof ObjectNode o) {
      return o;
    }
    return resource.putObject("properties");
  }

  static ArrayNode array(ObjectNode node, String field) {
    JsonNode a = node.get(field);
    if (a instanceof ArrayNode array) {
      return array;
    }
    if (a != null && !a.isNull()) {
      throw ArmError.invalidContent("'" + field + "' must be an array");
    }
    return node.putArray(field);
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static String refId(JsonNode node, String field) {
    JsonNode ref = node == null ? null : node.get(field);
    return ref == null || ref.isNull() ? null : text(ref, "id");
  }

  static ObjectNode ref(String id) {
    return JsonNodeFactory.instance.objectNode().put("id", id);
  }

  static boolean sameId(String a, String b) {
    return a != null && b != null && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
  }

  static String canonical(String value, String what, String ownerId, String... allowed) {
    if (value == null) {
      return null;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(value)) {
        return a;
      }
    }
    throw ArmError.badRequest(
        "InvalidRequestFormat",
        "Cannot parse the request. The value '"
            + value
            + "' of "
            + what
            + " in "
            + ownerId
            + " is not one of "
            + String.join(", ", allowed)
            + ".");
  }

  /**
   * A required enumerated property, stored in its canonical spelling.
   *
   * @param props the properties
   * @param field the property
   * @param ownerId the resource, for the message
   * @param allowed the values, in canonical spelling
   * @return the canonical value
   */
  static String required(ObjectNode props, String field, String ownerId, String... allowed) {
    String value = canonical(text(props, field), field, ownerId, allowed);
    if (value == null) {
      throw ArmError.badRequest("InvalidRequestFormat", "Cannot parse the request. " + ownerId + " needs a "
          + field + ".");
    }
    props.put(field, value);
    return value;
  }

  static int integer(JsonNode node, String field, int defaultValue, int min, int max, String ownerId) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      throw ArmError.badRequest(
          "InvalidRequestFormat",
          "Cannot parse the request. The value of "
              + field
              + " in "
              + ownerId
              + " must be an integer between "
              + min
              + " and "
              + max
              + ", got "
              + v
              + ".");
    }
    return v.asInt();
  }
}
