package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** RFC 7386 JSON merge patch. */
public final class MergePatch {
  private MergePatch() {}

  /**
   * Applies a merge patch.
   *
   * @param target the document (not modified)
   * @param patch the patch
   * @return the patched document
   */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (field.getValue().isNull()) {
        out.remove(field.getKey());
      } else {
        out.set(field.getKey(), apply(out.get(field.getKey()), field.getValue()));
      }
    }
    return out;
  }
}
