package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON mapper the shim uses, and small helpers around it. */
public final class Json {
  /** Shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /**
   * Parses JSON text.
   *
   * @param text the text
   * @return the tree
   * @throws IllegalArgumentException if it is not JSON
   */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /**
   * Writes a tree as compact JSON.
   *
   * @param node the tree
   * @return the text
   */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A new empty object.
   *
   * @return the object
   */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * A text value at a dotted path, or empty text.
   *
   * @param node the root
   * @param path dotted field names
   * @return the text
   */
  public static String text(JsonNode node, String path) {
    JsonNode at = node;
    for (String part : path.split("\\.")) {
      at = at.path(part);
    }
    return at.isValueNode() ? at.asText() : "";
  }
}
