package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A label selector in the API's query syntax: {@code a=b}, {@code a==b}, {@code a!=b},
 * {@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a}; requirements are ANDed.
 *
 * @param requirements the requirements
 */
public record LabelSelector(List<Requirement> requirements) {

  /** An operator. */
  public enum Op {
    /** Equal (or in a set). */
    IN,
    /** Not equal (or not in a set); matches when the label is missing. */
    NOT_IN,
    /** The label exists. */
    EXISTS,
    /** The label does not exist. */
    NOT_EXISTS
  }

  /**
   * One requirement.
   *
   * @param key the label key
   * @param op the operator
   * @param values the values (for IN/NOT_IN)
   */
  public record Requirement(String key, Op op, Set<String> values) {}

  /** Copies. */
  public LabelSelector {
    requirements = List.copyOf(requirements);
  }

  /**
   * Parses a selector.
   *
   * @param text the selector, may be null or empty (matches everything)
   * @return the selector
   * @throws IllegalArgumentException if it is malformed
   */
  public static LabelSelector parse(String text) {
    List<Requirement> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return new LabelSelector(out);
    }
    for (String part : splitTopLevel(text)) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      java.util.regex.Matcher set = java.util.regex.Pattern
          .compile("([^\\s!=()]+)\\s+(in|notin)\\s*\\(([^)]*)\\)").matcher(p);
      if (set.matches()) {
        Set<String> values = new java.util.LinkedHashSet<>();
        for (String v : set.group(3).split(",")) {
          if (!v.isBlank()) {
            values.add(v.strip());
          }
        }
        out.add(new Requirement(set.group(1), set.group(2).equals("in") ? Op.IN : Op.NOT_IN, values));
      } else if (p.contains("!=")) {
        int i = p.indexOf("!=");
        out.add(new Requirement(p.substring(0, i).strip(), Op.NOT_IN, Set.of(p.substring(i + 2).strip())));
      } else if (p.contains("==")) {
        int i = p.indexOf("==");
        out.add(new Requirement(p.substring(0, i).strip(), Op.IN, Set.of(p.substring(i + 2).strip())));
      } else if (p.contains("=")) {
        int i = p.indexOf('=');
        out.add(new Requirement(p.substring(0, i).strip(), Op.IN, Set.of(p.substring(i + 1).strip())));
      } else if (p.startsWith("!")) {
        out.add(new Requirement(p.substring(1).strip(), Op.NOT_EXISTS, Set.of()));
      } else if (p.matches("[^\\s!=()]+")) {
        out.add(new Requirement(p, Op.EXISTS, Set.of()));
      } else {
        throw new IllegalArgumentException("unable to parse requirement: " + p);
      }
    }
    return new LabelSelector(out);
  }

  /**
   * Whether an object's labels match.
   *
   * @param object the object
   * @return true if every requirement holds
   */
  public boolean matches(JsonNode object) {
    JsonNode labels = object.path("metadata").path("labels");
    for (Requirement r : requirements) {
      JsonNode value = labels.get(r.key());
      boolean present = value != null && !value.isNull();
      boolean ok = switch (r.op()) {
        case IN -> present && r.values().contains(value.asText());
        case NOT_IN -> !present || !r.values().contains(value.asText());
        case EXISTS -> present;
        case NOT_EXISTS -> !present;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }
}
