package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field selector ({@code involvedObject.name=web,type!=Normal}) evaluated on the JSON object, so
 * every field works (the mock server only matches {@code metadata.name}/{@code metadata.namespace}).
 *
 * @param requirements the ANDed requirements
 */
public record FieldSelector(List<Requirement> requirements) {

  /**
   * One requirement.
   *
   * @param path dotted field path
   * @param value the value
   * @param equal true for {@code =}/{@code ==}, false for {@code !=}
   */
  public record Requirement(String path, String value, boolean equal) {}

  /** Copies. */
  public FieldSelector {
    requirements = List.copyOf(requirements);
  }

  /**
   * Parses a selector.
   *
   * @param text the selector, may be null or empty (matches everything)
   * @return the selector
   * @throws IllegalArgumentException if a requirement has no operator
   */
  public static FieldSelector parse(String text) {
    List<Requirement> out = new ArrayList<>();
    if (text != null && !text.isBlank()) {
      for (String part : text.split(",")) {
        int ne = part.indexOf("!=");
        if (ne > 0) {
          out.add(new Requirement(part.substring(0, ne).strip(), part.substring(ne + 2).strip(), false));
          continue;
        }
        int eq = part.indexOf("==");
        int len = 2;
        if (eq < 0) {
          eq = part.indexOf('=');
          len = 1;
        }
        if (eq <= 0) {
          throw new IllegalArgumentException("invalid field selector requirement: " + part);
        }
        out.add(new Requirement(part.substring(0, eq).strip(), part.substring(eq + len).strip(), true));
      }
    }
    return new FieldSelector(out);
  }

  /**
   * Whether an object matches.
   *
   * @param object the object
   * @return true if every requirement holds
   */
  public boolean matches(JsonNode object) {
    for (Requirement r : requirements) {
      String actual = Json.text(object, r.path());
      if (actual.equals(r.value()) != r.equal()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether this matches everything.
   *
   * @return true if there are no requirements
   */
  public boolean isEmpty() {
    return requirements.isEmpty();
  }
}
