package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Applies the {@code default} values of a CRD's structural schema, as the API server does. */
public final class CrdDefaults {
  private CrdDefaults() {}

  /**
   * Fills in missing fields that have defaults (recursively, inside objects that exist).
   *
   * @param schema the version's {@code openAPIV3Schema}
   * @param object the object, modified in place
   */
  public static void apply(JsonNode schema, JsonNode object) {
    if (!object.isObject()) {
      if (object.isArray() && schema.has("items")) {
        object.forEach(item -> apply(schema.get("items"), item));
      }
      return;
    }
    ObjectNode target = (ObjectNode) object;
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      JsonNode value = target.get(property.getKey());
      if (value == null && property.getValue().has("default")) {
        target.set(property.getKey(), property.getValue().get("default").deepCopy());
      } else if (value != null) {
        apply(property.getValue(), value);
      }
    }
  }
}
