package dev.fairlead.kube.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * RFC 7386 JSON merge patch: objects merge, {@code null} removes a member, everything else (arrays
 * included) replaces. The stock fabric8 mock merges with Jackson's {@code readerForUpdating}, which
 * appends array elements, so a second identical status patch would publish an ingress twice.
 */
public final class MergePatch {
  private MergePatch() {}

  /**
   * Applies a merge patch.
   *
   * @param target the document, not modified; may be null
   * @param patch the patch
   * @return the patched document
   */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode out =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
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
