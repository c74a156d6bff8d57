package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Compute collection ({@code forwardingRules}, {@code targetPools}, ...): how an insert is
 * validated and what the stored resource looks like, what it references (so a referenced resource
 * cannot be deleted), which custom methods and updates it has. {@link ComputeApi} does the generic
 * part (names, operations, lists) for all of them.
 */
abstract class Collection {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  private final String name;
  private final String kind;
  private final Scope scope;

  /** Where resources of a collection live. */
  enum Scope {
    GLOBAL,
    REGION,
    ZONE
  }

  Collection(String name, String kind, Scope scope) {
    this.name = name;
    this.kind = kind;
    this.scope = scope;
  }

  String name() {
    return name;
  }

  String kind() {
    return kind;
  }

  Scope scope() {
    return scope;
  }

  /**
   * Validates an insert against the current state and builds the resource to store. Runs under
   * the store lock at request time and again when the operation completes.
   *
   * @param ctx the request
   * @param path the new resource's path
   * @param body the request body
   * @return the resource; {@link ComputeApi} adds id, selfLink, kind, timestamps
   */
  abstract ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body);

  /** Side effects of an insert on other state (addresses), when its operation completes. */
  void inserted(Ctx ctx, ResourcePath path, ObjectNode resource) {}

  /** Side effects of a delete on other state, when its operation completes. */
  void deleted(Ctx ctx, ResourcePath path, ObjectNode resource) {}

  /** Links this resource holds to others; a referenced resource cannot be deleted. */
  List<String> references(ObjectNode resource) {
    return List.of();
  }

  /** The quota metric counted per scope, or null. */
  String quotaMetric() {
    return null;
  }

  /** Fields a PATCH or PUT may change; empty if the collection cannot be updated in place. */
  Set<String> mutableFields() {
    return Set.of();
  }

  /**
   * A custom method ({@code addInstance}); returns the effect to apply when the operation completes.
   *
   * @param ctx the request
   * @param path the resource
   * @param method the method name
   * @param body the request body
   * @return the effect, or null for a read-only method answered at once by {@link #read}
   */
  Effect method(Ctx ctx, ResourcePath path, String method, ObjectNode body) {
    throw ComputeError.badRequest("Unknown method '" + method + "' on " + name);
  }

  /** A read-only custom method ({@code listInstances}). */
  ObjectNode read(Ctx ctx, ResourcePath path, String method, ObjectNode body) {
    throw ComputeError.badRequest("Unknown method '" + method + "' on " + name);
  }

  /** Whether a custom method only reads. */
  boolean isRead(String method) {
    return false;
  }

  /** A change applied when its operation completes. */
  @FunctionalInterface
  interface Effect {
    void apply(ComputeStore store);
  }

  // ---- helpers for subclasses ----

  /** A new resource with the two fields every resource has: its validated name and description. */
  static ObjectNode named(JsonNode body) {
    ObjectNode r = JSON.createObjectNode();
    r.put("name", requireName(body));
    r.put("description", text(body, "description", ""));
    return r;
  }

  /** The network a resource names, {@code default} if none: must exist. */
  static String network(Ctx ctx, JsonNode body, String field) {
    return requireExisting(ctx, field, text(body, "network", "global/networks/" + Topology.NETWORK), "networks");
  }

  static String requireName(JsonNode body) {
    String n = body.path("name").asText("");
    if (!NAME.matcher(n).matches()) {
      throw ComputeError.invalid("resource.name",
          "'" + n + "'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'");
    }
    return n;
  }

  static String text(JsonNode body, String field, String defaultValue) {
    JsonNode n = body.get(field);
    return n == null || n.isNull() || n.asText().isEmpty() ? defaultValue : n.asText();
  }

  static String oneOf(JsonNode body, String field, String defaultValue, String... allowed) {
    String value = text(body, field, defaultValue);
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw ComputeError.invalid("resource." + field, "'" + value + "'. Must be one of " + List.of(allowed));
  }

  static int integer(JsonNode body, String field, int defaultValue, int min, int max) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return defaultValue;
    }
    int value;
    if (n.isIntegralNumber() || (n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))) {
      value = n.asInt();
    } else {
      try {
        value = Integer.parseInt(n.asText());
      } catch (NumberFormatException e) {
        throw ComputeError.invalid("resource." + field, "'" + n.asText() + "' is not a number");
      }
    }
    if (value < min || value > max) {
      throw ComputeError.invalid("resource." + field, value + ". Must be between " + min + " and " + max);
    }
    return value;
  }

  /** Resolves a reference to an existing resource of a collection, or fails naming the field. */
  static String requireExisting(Ctx ctx, String field, String reference, String collection) {
    String path = ResourcePath.canonical(reference, ctx.project());
    if (!path.contains("/" + collection + "/")) {
      throw ComputeError.invalid(field, "'" + reference + "' is not a " + collection + " reference");
    }
    if (!ctx.store().exists(path)) {
      throw ComputeError.notFound(path);
    }
    return ResourcePath.LINK_BASE + path;
  }

  /** Stores a list of references canonically. */
  static ArrayNode links(Ctx ctx, String field, JsonNode refs, String collection) {
    ArrayNode out = JSON.createArrayNode();
    if (refs != null && refs.isArray()) {
      int i = 0;
      for (JsonNode ref : refs) {
        out.add(requireExisting(ctx, field + "[" + i++ + "]", ref.asText(), collection));
      }
    }
    return out;
  }
}
