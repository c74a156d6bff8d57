package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies a Kubernetes strategic merge patch (what {@code kubectl apply}, {@code edit} and
 * {@code patch} send for built-in types) to a stored object. The mock server only knows JSON merge
 * patch, so the sandbox computes the result itself and stores it with a plain update.
 *
 * <p>Maps merge recursively and {@code null} deletes a field. Lists with a patch merge key (by field
 * name and context, as in the upstream Go types: containers by {@code name}, Service ports by
 * {@code port}, container ports by {@code containerPort}, ...) merge element-wise; {@code finalizers}
 * merge as a set; every other list is replaced. Directives: {@code $patch: replace|delete|merge} in
 * maps and list elements, {@code $deleteFromPrimitiveList/<field>}, {@code $setElementOrder/<field>}
 * and {@code $retainKeys}. Unknown directives are dropped, never stored.
 */
public final class StrategicMerge {
  private static final String PATCH = "$patch";
  private static final String DELETE_FROM = "$deleteFromPrimitiveList/";
  private static final String ORDER = "$setElementOrder/";
  private static final String RETAIN = "$retainKeys";
  private static final Set<String> PRIMITIVE_SETS = Set.of("finalizers");

  private StrategicMerge() {}

  /**
   * Applies a patch.
   *
   * @param original the stored object (not modified)
   * @param patch the patch
   * @return the patched object
   */
  public static JsonNode apply(JsonNode original, JsonNode patch) {
    if (!patch.isObject()) {
      throw new IllegalArgumentException("a strategic merge patch must be a JSON object");
    }
    return mergeMap(original != null && original.isObject() ? (ObjectNode) original : Json.object(),
        (ObjectNode) patch, List.of());
  }

  /**
   * The patch merge key of a list field, as the Kubernetes Go types declare it.
   *
   * @param path the field names leading to the list (list indices left out)
   * @param field the list field
   * @return the merge key, or empty if the list is replaced (or, for sets, merged by value)
   */
  static Optional<String> mergeKey(List<String> path, String field) {
    String parent = path.isEmpty() ? "" : path.get(path.size() - 1);
    return Optional.ofNullable(switch (field) {
      case "containers", "initContainers", "ephemeralContainers", "volumes", "env", "imagePullSecrets",
          "resourceClaims", "schedulingGates", "secrets" -> "name";
      case "ports" -> List.of("containers", "initContainers", "ephemeralContainers").contains(parent)
          ? "containerPort" : "port";
      case "volumeMounts" -> "mountPath";
      case "volumeDevices" -> "devicePath";
      case "hostAliases" -> "ip";
      case "conditions" -> "type";
      case "ownerReferences" -> "uid";
      case "taints" -> "key";
      case "topologySpreadConstraints" -> "topologyKey";
      case "addresses" -> parent.equals("status") ? "type" : null;
      default -> null;
    });
  }

  private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, List<String> path) {
    String directive = patch.path(PATCH).asText("");
    if (directive.equals("replace")) {
      ObjectNode replaced = patch.deepCopy();
      stripDirectives(replaced);
      return replaced;
    }
    ObjectNode out = original.deepCopy();
    if (directive.equals("delete")) {
      return Json.object();
    }
    for (Map.Entry<String, JsonNode> entry : patch.properties()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (key.startsWith("$")) {
        continue; // handled below or unknown
      }
      if (value.isNull()) {
        out.remove(key);
        continue;
      }
      List<String> childPath = append(path, key);
      JsonNode current = out.get(key);
      if (value.isObject()) {
        if (value.path(PATCH).asText("").equals("delete")) {
          out.remove(key);
        } else {
          out.set(key, mergeMap(current != null && current.isObject() ? (ObjectNode) current
              : Json.object(), (ObjectNode) value, childPath));
        }
      } else if (value.isArray()) {
        out.set(key, mergeList(current != null && current.isArray() ? (ArrayNode) current : null,
            (ArrayNode) value, path, key));
      } else {
        out.set(key, value.deepCopy());
      }
    }
    for (Map.Entry<String, JsonNode> entry : patch.properties()) {
      String key = entry.getKey();
      if (key.startsWith(DELETE_FROM)) {
        String field = key.substring(DELETE_FROM.length());
        JsonNode current = out.get(field);
        if (current != null && current.isArray()) {
          Set<JsonNode> remove = new HashSet<>();
          entry.getValue().forEach(remove::add);
          ArrayNode kept = Json.MAPPER.createArrayNode();
          current.forEach(v -> {
            if (!remove.contains(v)) {
              kept.add(v);
            }
          });
          out.set(field, kept);
        }
      } else if (key.startsWith(ORDER)) {
        String field = key.substring(ORDER.length());
        JsonNode current = out.get(field);
        if (current != null && current.isArray()) {
          out.set(field, order((ArrayNode) current, (ArrayNode) entry.getValue(),
              mergeKey(path, field).orElse(null)));
        }
      }
    }
    JsonNode retain = patch.get(RETAIN);
    if (retain != null && retain.isArray()) {
      Set<String> keep = new HashSet<>();
      retain.forEach(k -> keep.add(k.asText()));
      out.properties().removeIf(e -> !keep.contains(e.getKey()));
    }
    return out;
  }

  private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, List<String> path, String field) {
    Optional<String> key = mergeKey(path, field);
    boolean replace = false;
    for (JsonNode element : patch) {
      if (element.isObject() && element.path(PATCH).asText("").equals("replace") && element.size() == 1) {
        replace = true;
      }
    }
    if (original == null || replace) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      for (JsonNode element : patch) {
        if (element.isObject()) {
          if (element.size() == 1 && element.has(PATCH)) {
            continue;
          }
          if (element.path(PATCH).asText("").equals("delete")) {
            continue;
          }
          ObjectNode copy = (ObjectNode) element.deepCopy();
          stripDirectives(copy);
          out.add(copy);
        } else {
          out.add(element.deepCopy());
        }
      }
      return out;
    }
    if (PRIMITIVE_SETS.contains(field)) {
      Set<JsonNode> values = new LinkedHashSet<>();
      original.forEach(values::add);
      patch.forEach(values::add);
      ArrayNode out = Json.MAPPER.createArrayNode();
      values.forEach(v -> out.add(v.deepCopy()));
      return out;
    }
    if (key.isEmpty()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      for (JsonNode element : patch) {
        if (element.isObject()) {
          ObjectNode copy = (ObjectNode) element.deepCopy();
          stripDirectives(copy);
          out.add(copy);
        } else {
          out.add(element.deepCopy());
        }
      }
      return out;
    }
    String k = key.get();
    List<JsonNode> merged = new ArrayList<>();
    original.forEach(e -> merged.add(e.deepCopy()));
    List<String> elementPath = append(path, field);
    for (JsonNode element : patch) {
      if (!element.isObject()) {
        merged.add(element.deepCopy());
        continue;
      }
      JsonNode id = element.get(k);
      int at = indexOf(merged, k, id);
      String directive = element.path(PATCH).asText("");
      if (directive.equals("delete")) {
        if (at >= 0) {
          merged.remove(at);
        }
      } else if (at >= 0) {
        merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) element, elementPath));
      } else {
        ObjectNode copy = (ObjectNode) element.deepCopy();
        stripDirectives(copy);
        merged.add(copy);
      }
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    merged.forEach(out::add);
    return out;
  }

  private static int indexOf(List<JsonNode> elements, String key, JsonNode id) {
    if (id == null) {
      return -1;
    }
    for (int i = 0; i < elements.size(); i++) {
      JsonNode candidate = elements.get(i).get(key);
      if (candidate != null && candidate.asText().equals(id.asText())) {
        return i;
      }
    }
    return -1;
  }

  private static ArrayNode order(ArrayNode current, ArrayNode order, String key) {
    List<JsonNode> rest = new ArrayList<>();
    current.forEach(rest::add);
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode wanted : order) {
      for (int i = 0; i < rest.size(); i++) {
        JsonNode candidate = rest.get(i);
        JsonNode id = key == null ? candidate : candidate.path(key);
        JsonNode wantedId = key == null || !wanted.isObject() ? wanted : wanted.path(key);
        if (id.asText().equals(wantedId.asText()) && !id.isMissingNode()) {
          out.add(candidate);
          rest.remove(i);
          break;
        }
      }
    }
    rest.forEach(out::add);
    return out;
  }

  private static void stripDirectives(JsonNode node) {
    if (node.isObject()) {
      ((ObjectNode) node).properties().removeIf(e -> e.getKey().startsWith("$"));
      node.forEach(StrategicMerge::stripDirectives);
    } else if (node.isArray()) {
      node.forEach(StrategicMerge::stripDirectives);
    }
  }

  private static List<String> append(List<String> path, String field) {
    List<String> out = new ArrayList<>(path);
    out.add(field);
    return out;
  }
}
