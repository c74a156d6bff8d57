package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The simulator's state and the parts of the ARM protocol that are the same for every resource
 * type: ids, ETags and {@code If-Match}, provisioning states, long-running operations that take a
 * configurable time, a later PUT superseding one in flight, child resources written through their
 * parent. Not thread-safe: {@link ArmHttpHandler} calls it under one lock, which keeps every
 * request atomic, as ARM's per-resource serialisation does.
 */
final class ArmStore {
  static final String PROVIDER = "Microsoft.Network";

  /** One long-running operation. */
  static final class Operation {
    final String id;
    final String subscription;
    final String location;
    final String resourceKey;
    final boolean delete;
    final long completesAtNanos;
    String status = "InProgress";
    ArmError error;
    final String startTime;

    Operation(String subscription, String location, String resourceKey, boolean delete, long completesAt,
        String startTime) {
      this.id = UUID.randomUUID().toString();
      this.subscription = subscription;
      this.location = location;
      this.resourceKey = resourceKey;
      this.delete = delete;
      this.completesAtNanos = completesAt;
      this.startTime = startTime;
    }

    boolean done() {
      return !status.equals("InProgress");
    }
  }

  /** What a write returns to the handler. */
  record Written(int status, ObjectNode body, Operation operation) {}

  private final Map<String, ResourceKind> kinds = new LinkedHashMap<>();
  private final Map<String, ObjectNode> groups = new TreeMap<>();
  private final Map<String, ObjectNode> resources = new LinkedHashMap<>();
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final Map<String, Operation> inFlight = new LinkedHashMap<>();
  private final LongSupplier nanoTime;
  private Duration operationLatency;
  ArmSimulator.Limits limits;

  ArmStore(LongSupplier nanoTime, Duration operationLatency, ArmSimulator.Limits limits) {
    this.nanoTime = nanoTime;
    this.operationLatency = operationLatency;
    this.limits = limits;
    for (ResourceKind kind : List.of(new LoadBalancers(), new PublicIpAddresses(),
        new NetworkSecurityGroups(), new VirtualNetworks())) {
      kinds.put(kind.type().toLowerCase(Locale.ROOT), kind);
    }
  }

  void setOperationLatency(Duration latency) {
    this.operationLatency = latency;
  }

  Duration operationLatency() {
    return operationLatency;
  }

  ResourceKind kind(String type) {
    return kinds.get(type.toLowerCase(Locale.ROOT));
  }

  // ---- resource groups ----

  ObjectNode group(String subscription, String name) {
    return groups.get(ResourceId.groupKey(subscription, name));
  }

  List<ObjectNode> groups(String subscription) {
    String prefix = ("/subscriptions/" + subscription + "/").toLowerCase(Locale.ROOT);
    return groups.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
  }

  Set<String> subscriptions() {
    Set<String> out = new HashSet<>();
    groups.values().forEach(g -> out.add(g.get("id").asText().split("/")[2]));
    return out;
  }

  ObjectNode putGroup(String subscription, String name, String location, JsonNode tags) {
    ObjectNode existing = group(subscription, name);
    ObjectNode g = JsonNodeFactory.instance.objectNode();
    g.put("id", "/subscriptions/" + subscription + "/resourceGroups/" + name);
    g.put("name", existing == null ? name : existing.get("name").asText());
    g.put("type", "Microsoft.Resources/resourceGroups");
    g.put("location", existing == null ? location : existing.get("location").asText());
    if (tags != null && tags.isObject()) {
      g.set("tags", tags.deepCopy());
    }
    g.putObject("properties").put("provisioningState", "Succeeded");
    groups.put(ResourceId.groupKey(subscription, name), g);
    return g;
  }

  void deleteGroup(String subscription, String name) {
    String prefix = ResourceId.groupKey(subscription, name) + "/";
    for (String key : List.copyOf(resources.keySet())) {
      if (key.startsWith(prefix)) {
        ObjectNode removed = resources.remove(key);
        kindOf(removed).afterDelete(this, removed);
      }
    }
    groups.remove(ResourceId.groupKey(subscription, name));
  }

  // ---- reads ----

  ObjectNode get(ResourceId id) {
    completeDue();
    return resources.get(id.key());
  }

  /**
   * A resource or child resource by its id, as references name them.
   *
   * @param id a top-level or child id
   * @return the representation, or null
   */
  ObjectNode find(String id) {
    ResourceId top = ResourceId.parse(id).orElse(null);
    if (top == null) {
      return null;
    }
    ObjectNode resource = resources.get(top.key());
    if (resource == null) {
      return null;
    }
    int segments = (id.startsWith("/") ? id.substring(1) : id).split("/").length;
    if (segments == 8) {
      return resource;
    }
    String[] child = ResourceId.parseChild(id).orElse(null);
    return child == null ? null : findChild(resource, child[0], child[1]);
  }

  static ObjectNode findChild(ObjectNode resource, String collection, String name) {
    JsonNode props = resource.get("properties");
    if (props == null) {
      return null;
    }
    for (var it = props.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().equalsIgnoreCase(collection) && e.getValue().isArray()) {
        for (JsonNode element : e.getValue()) {
          if (name.equalsIgnoreCase(ResourceKind.text(element, "name"))) {
            return (ObjectNode) element;
          }
        }
      }
    }
    return null;
  }

  List<ObjectNode> list(String subscription, String resourceGroup, String type) {
    completeDue();
    String prefix = resourceGroup == null
        ? ("/subscriptions/" + subscription + "/").toLowerCase(Locale.ROOT)
        : ResourceId.groupKey(subscription, resourceGroup) + "/";
    String typePart = ("/providers/" + PROVIDER + "/" + type + "/").toLowerCase(Locale.ROOT);
    List<ObjectNode> out = new ArrayList<>();
    resources.forEach((key, value) -> {
      if (key.startsWith(prefix) && key.contains(typePart)) {
        out.add(value);
      }
    });
    return out;
  }

  /** All resources of a type anywhere, for cross-resource checks. */
  List<ObjectNode> all(String type) {
    String typePart = ("/providers/" + PROVIDER + "/" + type + "/").toLowerCase(Locale.ROOT);
    return resources.entrySet().stream().filter(e -> e.getKey().contains(typePart)).map(Map.Entry::getValue).toList();
  }

  Operation operation(String id) {
    completeDue();
    return operations.get(id);
  }

  // ---- writes ----

  /**
   * Creates or replaces a resource.
   *
   * @param id the resource
   * @param body the PUT body
   * @param ifMatch the {@code If-Match} header, or null
   * @param ifNoneMatch the {@code If-None-Match} header, or null
   * @return the status, representation and operation
   */
  Written put(ResourceId id, ObjectNode body, String ifMatch, String ifNoneMatch) {
    completeDue();
    ResourceKind kind = requireKind(id);
    ObjectNode group = requireGroup(id);
    ObjectNode existing = resources.get(id.key());
    checkPreconditions(id.id(), existing, ifMatch, ifNoneMatch);
    refuseWhileDeleting(id);
    if (body.get("location") == null || body.get("location").asText().isBlank()) {
      if (existing == null) {
        throw ArmError.badRequest("LocationRequired", "The location property is required for this definition.");
      }
      body.put("location", existing.get("location").asText());
    }
    if (existing != null && !existing.get("location").asText().equalsIgnoreCase(body.get("location").asText())) {
      throw ArmError.badRequest("InvalidResourceLocation", "The resource '" + id.name()
          + "' already exists in location '" + existing.get("location").asText() + "' in resource group '"
          + id.resourceGroup() + "'. A resource with the same name cannot be created in location '"
          + body.get("location").asText() + "'. Please select a new resource name.");
    }
    String originalName = existing == null ? id.name() : existing.get("name").asText();
    ResourceId canonical = new ResourceId(id.subscription(), group.get("name").asText(), PROVIDER,
        kind.type(), originalName);
    return commit(kind, canonical, body, existing);
  }

  private Written commit(ResourceKind kind, ResourceId id, ObjectNode body, ObjectNode existing) {
    boolean async = operationLatency.toNanos() > 0;
    String state = async ? "Updating" : "Succeeded";
    String etag = "W/\"" + UUID.randomUUID() + "\"";
    body.put("id", id.id());
    body.put("name", id.name());
    body.put("type", PROVIDER + "/" + kind.type());
    body.put("etag", etag);
    if (!body.has("tags") || body.get("tags").isNull()) {
      body.remove("tags");
    }
    ObjectNode props = ResourceKind.properties(body);
    props.put("provisioningState", state);
    props.put("resourceGuid", existing == null
        ? UUID.randomUUID().toString() : ResourceKind.properties(existing).path("resourceGuid").asText());
    for (String collection : kind.children()) {
      ArrayNode items = ResourceKind.array(props, collection);
      Set<String> names = new HashSet<>();
      for (JsonNode item : items) {
        if (!(item instanceof ObjectNode element) || ResourceKind.text(element, "name") == null) {
          throw ArmError.badRequest("InvalidRequestFormat",
              "Cannot parse the request. Every element of " + collection + " in " + id + " needs a name.");
        }
        String name = element.get("name").asText();
        if (!names.add(name.toLowerCase(Locale.ROOT))) {
          throw ArmError.badRequest("DuplicateResourceName", "Resource " + id + " has two child resources with"
              + " the same name (" + name + ").");
        }
        element.put("id", id.id() + "/" + collection + "/" + name);
        element.put("etag", etag);
        element.put("type", PROVIDER + "/" + kind.type() + "/" + collection);
        ResourceKind.properties(element).put("provisioningState", state);
      }
    }
    kind.prepare(this, id, body, existing);
    resources.put(id.key(), body);
    kind.afterWrite(this, body, existing);
    Operation op = startOperation(id, body.get("location").asText(), false);
    return new Written(existing == null ? 201 : 200, body, op);
  }

  /**
   * Deletes a resource.
   *
   * @param id the resource
   * @param ifMatch the {@code If-Match} header, or null
   * @return the operation, or null if there was nothing to delete
   */
  Operation delete(ResourceId id, String ifMatch) {
    completeDue();
    requireKind(id);
    requireGroup(id);
    ObjectNode existing = resources.get(id.key());
    if (existing == null) {
      if (ifMatch != null) {
        throw ArmError.preconditionFailed("Precondition failed: resource " + id + " does not exist.");
      }
      return null;
    }
    checkPreconditions(id.id(), existing, ifMatch, null);
    Operation running = inFlight.get(id.key());
    if (running != null) {
      throw ArmError.anotherOperation(operationPath(running));
    }
    ResourceKind kind = kindOf(existing);
    kind.beforeDelete(this, existing);
    if (operationLatency.toNanos() <= 0) {
      resources.remove(id.key());
      kind.afterDelete(this, existing);
      Operation op = new Operation(id.subscription(), existing.get("location").asText(), id.key(), true,
          nanoTime.getAsLong(), now());
      op.status = "Succeeded";
      operations.put(op.id, op);
      return op;
    }
    ResourceKind.properties(existing).put("provisioningState", "Deleting");
    return startOperation(id, existing.get("location").asText(), true);
  }

  /**
   * Creates or replaces one child, such as a backend pool or a security rule, by rewriting its
   * parent (whose ETag and provisioning state change with it, as in Azure).
   *
   * @param id the parent
   * @param collection the child collection
   * @param name the child name
   * @param child the child's PUT body
   * @param ifMatch the {@code If-Match} header (compared with the child's ETag), or null
   * @return the status, the child representation and the operation
   */
  Written putChild(ResourceId id, String collection, String name, ObjectNode child, String ifMatch) {
    completeDue();
    ResourceKind kind = requireKind(id);
    requireGroup(id);
    ObjectNode parent = resources.get(id.key());
    if (parent == null) {
      throw ArmError.resourceNotFound(id);
    }
    String canonicalCollection = canonicalChild(kind, collection, id);
    ObjectNode existingChild = findChild(parent, canonicalCollection, name);
    checkPreconditions(id.id() + "/" + canonicalCollection + "/" + name, existingChild, ifMatch, null);
    refuseWhileDeleting(id);
    ObjectNode body = parent.deepCopy();
    ArrayNode items = ResourceKind.array(ResourceKind.properties(body), canonicalCollection);
    child.put("name", existingChild == null ? name : existingChild.get("name").asText());
    boolean replaced = false;
    for (int i = 0; i < items.size(); i++) {
      if (name.equalsIgnoreCase(ResourceKind.text(items.get(i), "name"))) {
        items.set(i, child);
        replaced = true;
      }
    }
    if (!replaced) {
      items.add(child);
    }
    ResourceId canonical = ResourceId.parse(parent.get("id").asText()).orElseThrow();
    Written written = commit(kind, canonical, body, parent);
    ObjectNode stored = findChild(written.body(), canonicalCollection, name);
    return new Written(existingChild == null ? 201 : 200, stored, written.operation());
  }

  /**
   * Deletes one child by rewriting its parent.
   *
   * @param id the parent
   * @param collection the child collection
   * @param name the child name
   * @return the operation, or null if the child did not exist
   */
  Operation deleteChild(ResourceId id, String collection, String name) {
    completeDue();
    ResourceKind kind = requireKind(id);
    requireGroup(id);
    ObjectNode parent = resources.get(id.key());
    if (parent == null) {
      return null;
    }
    String canonicalCollection = canonicalChild(kind, collection, id);
    ObjectNode existingChild = findChild(parent, canonicalCollection, name);
    if (existingChild == null) {
      return null;
    }
    kind.beforeDelete(this, existingChild);
    ObjectNode body = parent.deepCopy();
    ArrayNode items = ResourceKind.array(ResourceKind.properties(body), canonicalCollection);
    for (int i = items.size() - 1; i >= 0; i--) {
      if (name.equalsIgnoreCase(ResourceKind.text(items.get(i), "name"))) {
        items.remove(i);
      }
    }
    ResourceId canonical = ResourceId.parse(parent.get("id").asText()).orElseThrow();
    return commit(kind, canonical, body, parent).operation();
  }

  /**
   * Replaces the tags of a resource ({@code PATCH} with {@code {"tags": ...}}), synchronously.
   *
   * @param id the resource
   * @param tags the new tags
   * @return the representation
   */
  ObjectNode patchTags(ResourceId id, JsonNode tags) {
    completeDue();
    requireKind(id);
    requireGroup(id);
    ObjectNode existing = resources.get(id.key());
    if (existing == null) {
      throw ArmError.resourceNotFound(id);
    }
    if (tags != null && tags.isObject()) {
      existing.set("tags", tags.deepCopy());
    }
    existing.put("etag", "W/\"" + UUID.randomUUID() + "\"");
    return existing;
  }

  /**
   * Changes the ETag of a resource, as Azure does to a public IP when a frontend starts or stops
   * using it.
   *
   * @param resource the stored representation
   */
  void touch(ObjectNode resource) {
    resource.put("etag", "W/\"" + UUID.randomUUID() + "\"");
  }

  // ---- operations ----

  private Operation startOperation(ResourceId id, String location, boolean delete) {
    long now = nanoTime.getAsLong();
    Operation previous = inFlight.remove(id.key());
    if (previous != null && !previous.done()) {
      previous.status = "Canceled";
      previous.error = new ArmError(200, "CanceledAndSupersededDueToAnotherOperation",
          "Operation " + previous.id + " (" + (previous.delete ? "Delete" : "Put") + ") was canceled and"
              + " superseded by another operation on " + id + ".");
    }
    Operation op = new Operation(id.subscription(), location, id.key(), delete,
        now + operationLatency.toNanos(), now());
    operations.put(op.id, op);
    if (operationLatency.toNanos() <= 0) {
      op.status = "Succeeded";
    } else {
      inFlight.put(id.key(), op);
    }
    return op;
  }

  /** Finishes every operation whose time has come. */
  void completeDue() {
    long now = nanoTime.getAsLong();
    for (Operation op : List.copyOf(inFlight.values())) {
      if (now - op.completesAtNanos < 0) {
        continue;
      }
      inFlight.remove(op.resourceKey);
      op.status = "Succeeded";
      ObjectNode resource = resources.get(op.resourceKey);
      if (resource == null) {
        continue;
      }
      ResourceKind kind = kindOf(resource);
      if (op.delete) {
        resources.remove(op.resourceKey);
        kind.afterDelete(this, resource);
      } else {
        ObjectNode props = ResourceKind.properties(resource);
        props.put("provisioningState", "Succeeded");
        for (String collection : kind.children()) {
          for (JsonNode item : ResourceKind.array(props, collection)) {
            ResourceKind.properties((ObjectNode) item).put("provisioningState", "Succeeded");
          }
        }
      }
    }
  }

  /**
   * Seconds until an operation is expected to finish, at least 1: the {@code Retry-After} the
   * simulator sends.
   *
   * @param op the operation
   * @return whole seconds
   */
  long retryAfterSeconds(Operation op) {
    long remaining = op.completesAtNanos - nanoTime.getAsLong();
    return Math.max(1, (remaining + 999_999_999L) / 1_000_000_000L);
  }

  String operationPath(Operation op) {
    return "/subscriptions/" + op.subscription + "/providers/" + PROVIDER + "/locations/" + op.location
        + "/operations/" + op.id;
  }

  String operationResultPath(Operation op) {
    return "/subscriptions/" + op.subscription + "/providers/" + PROVIDER + "/locations/" + op.location
        + "/operationResults/" + op.id;
  }

  // ---- helpers ----

  private void checkPreconditions(String id, ObjectNode existing, String ifMatch, String ifNoneMatch) {
    if (ifNoneMatch != null && ifNoneMatch.strip().equals("*") && existing != null) {
      throw ArmError.preconditionFailed("Precondition failed: resource " + id + " already exists.");
    }
    if (ifMatch == null) {
      return;
    }
    if (existing == null) {
      throw ArmError.preconditionFailed("Precondition failed: resource " + id + " does not exist.");
    }
    String actual = existing.path("etag").asText();
    if (!ifMatch.strip().equals("*") && !ifMatch.strip().equals(actual)) {
      throw ArmError.etagMismatch(ifMatch.strip(), actual, id);
    }
  }

  private void refuseWhileDeleting(ResourceId id) {
    Operation running = inFlight.get(id.key());
    if (running != null && running.delete) {
      throw ArmError.anotherOperation(operationPath(running));
    }
  }

  private ResourceKind requireKind(ResourceId id) {
    ResourceKind kind = id.provider().equalsIgnoreCase(PROVIDER) ? kind(id.type()) : null;
    if (kind == null) {
      throw new ArmError(400, "InvalidResourceType",
          "The resource type '" + id.type() + "' could not be found in the namespace '" + id.provider()
              + "' for api version used by the simulator.");
    }
    return kind;
  }

  private ObjectNode requireGroup(ResourceId id) {
    ObjectNode group = group(id.subscription(), id.resourceGroup());
    if (group == null) {
      throw ArmError.resourceGroupNotFound(id.resourceGroup());
    }
    return group;
  }

  private static String canonicalChild(ResourceKind kind, String collection, ResourceId id) {
    return kind.children().stream().filter(c -> c.equalsIgnoreCase(collection)).findFirst()
        .orElseThrow(() -> new ArmError(400, "InvalidResourceType", "The resource type '" + id.type() + "/"
            + collection + "' could not be found in the namespace '" + PROVIDER + "'."));
  }

  private ResourceKind kindOf(ObjectNode resource) {
    String type = resource.get("type").asText();
    return kind(type.substring(type.lastIndexOf('/') + 1));
  }

  private static String now() {
    return java.time.Instant.now().toString();
  }
}
