package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONPath subset CRD printer columns use: {@code .a.b}, {@code .a[0].b}, {@code .a[*].b}.
 */
public final class SimpleJsonPath {
  private SimpleJsonPath() {}

  /**
   * Evaluates a path.
   *
   * @param root the object
   * @param path the path, e.g. {@code .status.conditions[*].type}
   * @return the values found (empty if none)
   */
  public static List<JsonNode> evaluate(JsonNode root, String path) {
    List<JsonNode> current = new ArrayList<>(List.of(root));
    String p = path.strip();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1);
    }
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
          end++;
        }
        String field = p.substring(i + 1, end);
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode n : current) {
          JsonNode v = n.get(field);
          if (v != null && !v.isNull()) {
            next.add(v);
          }
        }
        current = next;
        i = end;
      } else if (c == '[') {
        int end = p.indexOf(']', i);
        if (end < 0) {
          return List.of();
        }
        String index = p.substring(i + 1, end).strip();
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode n : current) {
          if (!n.isArray()) {
            continue;
          }
          if (index.equals("*")) {
            n.forEach(next::add);
          } else {
            try {
              int at = Integer.parseInt(index);
              JsonNode v = n.get(at < 0 ? n.size() + at : at);
              if (v != null) {
                next.add(v);
              }
            } catch (NumberFormatException e) {
              return List.of();
            }
          }
        }
        current = next;
        i = end + 1;
      } else {
        return List.of();
      }
    }
    return current;
  }
}
