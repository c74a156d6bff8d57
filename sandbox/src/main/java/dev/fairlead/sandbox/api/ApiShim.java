package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairlead.kube.fake.MergePatch;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front of the sandbox API: answers what the fabric8 CRUD mock server cannot (discovery,
 * OpenAPI, Tables, field selectors, strategic merge patch, Service defaulting/validation/allocation,
 * CRD status and defaults, API-style error Status bodies) and stores everything in the mock server.
 * Streaming HTTP watches are served by {@link dev.fairlead.sandbox.SandboxApiServer}; WebSocket
 * watches (fabric8 clients) go straight to the mock server.
 */
public final class ApiShim {
  private static final Logger LOG = LoggerFactory.getLogger(ApiShim.class);
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final String JSON = "application/json";

  private final KubernetesCrudDispatcher crud;
  private final Supplier<String> serverAddress;
  private final Clock clock;
  private final Object writeLock = new Object();
  /** Recent deletions, so HTTP watches that start from an older resourceVersion still see them. */
  private final java.util.ArrayDeque<Tombstone> tombstones = new java.util.ArrayDeque<>();

  private record Tombstone(long version, String collection, JsonNode object) {}

  private static final int TOMBSTONES = 1000;
  private final java.util.Queue<ApiCall> calls = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * Creates the shim.
   *
   * @param crud the store
   * @param serverAddress host:port the server is reached at (for discovery)
   * @param clock the clock (AGE columns, CRD conditions)
   */
  public ApiShim(KubernetesCrudDispatcher crud, Supplier<String> serverAddress, Clock clock) {
    this.crud = crud;
    this.serverAddress = serverAddress;
    this.clock = clock;
  }

  /**
   * Handles one request.
   *
   * @param request the request
   * @return the response
   */
  public MockResponse dispatch(RecordedRequest request) {
    try {
      return route(request);
    } catch (IllegalArgumentException e) {
      return json(400, ApiStatus.failure(400, "BadRequest", e.getMessage(), null, null));
    } catch (RuntimeException e) {
      LOG.warn("Sandbox API failed on {} {}", request.getMethod(), request.getPath(), e);
      return json(500, ApiStatus.failure(500, "InternalError", "Internal error occurred: " + e, null, null));
    }
  }

  private MockResponse route(RecordedRequest request) {
    ApiRequest req = ApiRequest.parse(request.getPath());
    List<String> s = req.segments();
    HttpMethod method = request.method();
    if (method == HttpMethod.GET) {
      Optional<MockResponse> meta = metadataEndpoint(req, s);
      if (meta.isPresent()) {
        return meta.get();
      }
    }
    ResourceCatalog catalog = catalog();
    Optional<ApiRequest.Target> resolved = req.resolve(catalog);
    if (resolved.isEmpty()) {
      return json(404, ApiStatus.failure(404, "NotFound", "the server could not find the requested resource",
          null, null));
    }
    ApiRequest.Target target = resolved.get();
    calls.add(ApiCall.of(method.name(), req, target, request.getHeader("User-Agent")));
    if (target.resource().namespaced() && target.namespace() == null && target.name() != null) {
      return json(404, ApiStatus.failure(404, "NotFound", "the server could not find the requested resource",
          null, null));
    }
    if (target.subresource() != null && !(target.subresource().equals("status")
        && target.resource().statusSubresource())) {
      return json(404, ApiStatus.failure(404, "NotFound", "the server could not find the requested resource",
          null, null));
    }
    String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && contentType.contains("protobuf") && !body.isEmpty()) {
      // kubectl's typed commands (create service/namespace/deployment, expose, scale) send protobuf.
      return json(415, ApiStatus.failure(415, "UnsupportedMediaType", "the fairlead sandbox API accepts"
          + " JSON only, not " + contentType + "; create objects from YAML instead, e.g. `kubectl create"
          + " ... --dry-run=client -o yaml | kubectl apply -f -`", null, null));
    }
    boolean table = wantsTable(request.getHeader("Accept"));
    return switch (method) {
      case GET -> {
        if (req.isWatch()) {
          // WebSocket watches (fabric8 informers): the mock server handles them natively.
          yield crud.handleGet(request.getPath());
        }
        yield target.name() == null ? list(req, target, table) : get(req, target, table);
      }
      case POST -> {
        synchronized (writeLock) {
          yield create(req, target, body);
        }
      }
      case PUT -> {
        synchronized (writeLock) {
          yield replace(req, target, body);
        }
      }
      case PATCH -> {
        synchronized (writeLock) {
          yield patch(req, target, request.getHeader("Content-Type"), body);
        }
      }
      case DELETE -> {
        synchronized (writeLock) {
          yield delete(req, target);
        }
      }
      default -> json(405, ApiStatus.failure(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource", null, null));
    };
  }

  private Optional<MockResponse> metadataEndpoint(ApiRequest req, List<String> s) {
    String path = req.path();
    switch (path) {
      case "/version", "/version/" -> {
        return Optional.of(json(200, Json.object().put("major", "1").put("minor", "32")
            .put("gitVersion", "v1.32.0-fairlead-sandbox").put("gitCommit", "").put("gitTreeState", "clean")
            .put("buildDate", "2026-01-01T00:00:00Z").put("goVersion", "java" + Runtime.version().feature())
            .put("compiler", "fabric8-mock").put("platform", "linux/amd64")));
      }
      case "/healthz", "/livez", "/readyz" -> {
        return Optional.of(new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
            .setBody("ok"));
      }
      case "/api", "/api/" -> {
        return Optional.of(json(200, Discovery.coreVersions(serverAddress.get())));
      }
      case "/apis", "/apis/" -> {
        return Optional.of(json(200, Discovery.groupList(catalog())));
      }
      case "/openapi/v2" -> {
        return Optional.of(json(404, ApiStatus.failure(404, "NotFound",
            "the fairlead sandbox serves OpenAPI v3 only", null, null)));
      }
      case "/openapi/v3", "/openapi/v3/" -> {
        return Optional.of(json(200, OpenApiV3.root(catalog(), crds())));
      }
      default -> { }
    }
    if (s.size() == 2 && s.get(0).equals("api")) {
      return Optional.of(Discovery.resourceList(catalog(), s.get(1))
          .map(doc -> json(200, doc)).orElseGet(ApiShim::notFoundPath));
    }
    if (s.size() == 3 && s.get(0).equals("apis")) {
      return Optional.of(Discovery.resourceList(catalog(), s.get(1) + "/" + s.get(2))
          .map(doc -> json(200, doc)).orElseGet(ApiShim::notFoundPath));
    }
    if (s.size() == 2 && s.get(0).equals("apis")) {
      ObjectNode groups = Discovery.groupList(catalog());
      for (JsonNode g : groups.path("groups")) {
        if (g.path("name").asText().equals(s.get(1))) {
          ObjectNode group = ((ObjectNode) g).deepCopy();
          group.put("kind", "APIGroup").put("apiVersion", "v1");
          return Optional.of(json(200, group));
        }
      }
      return Optional.of(notFoundPath());
    }
    if (s.size() >= 3 && s.get(0).equals("openapi") && s.get(1).equals("v3")) {
      String gv = s.get(2).equals("api") && s.size() == 4 ? s.get(3)
          : s.get(2).equals("apis") && s.size() == 5 ? s.get(3) + "/" + s.get(4) : null;
      if (gv == null) {
        return Optional.of(notFoundPath());
      }
      return Optional.of(OpenApiV3.groupVersion(catalog(), crds(), gv).map(doc -> json(200, doc))
          .orElseGet(ApiShim::notFoundPath));
    }
    return Optional.empty();
  }

  // ---- reads ----

  private MockResponse get(ApiRequest req, ApiRequest.Target target, boolean table) {
    Optional<JsonNode> object = fetch(target.objectPath());
    if (object.isEmpty()) {
      return json(404, ApiStatus.notFound(target.qualifiedPlural(), target.name()));
    }
    if (table) {
      return json(200, Tables.table(target.resource(), List.of(object.get()), null, clock.instant(),
          req.param("includeObject").orElse(null)));
    }
    return json(200, object.get());
  }

  private MockResponse list(ApiRequest req, ApiRequest.Target target, boolean table) {
    FieldSelector selector = FieldSelector.parse(req.param("fieldSelector").orElse(null));
    LabelSelector labels = LabelSelector.parse(req.param("labelSelector").orElse(null));
    MockResponse response = crud.handleGet(target.collectionPath());
    JsonNode list = Json.parse(body(response));
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      if (selector.matches(item) && labels.matches(item) && sameType(item, target.resource())) {
        items.add(item);
      }
    }
    String resourceVersion = list.path("metadata").path("resourceVersion").asText(null);
    if (table) {
      return json(200, Tables.table(target.resource(), items, resourceVersion, clock.instant(),
          req.param("includeObject").orElse(null)));
    }
    ObjectNode out = Json.object().put("kind", target.resource().kind() + "List")
        .put("apiVersion", target.resource().groupVersion());
    ObjectNode metadata = out.putObject("metadata");
    if (resourceVersion != null) {
      metadata.put("resourceVersion", resourceVersion);
    }
    ArrayNode array = out.putArray("items");
    items.forEach(array::add);
    return json(200, out);
  }

  /**
   * Whether a watch event's object should reach an HTTP watcher, and in what form.
   *
   * @param target the watched collection
   * @param request the watch request
   * @param eventJson the mock server's event ({@code {"type":..., "object":...}})
   * @return the event line to send, or empty to drop it
   */
  public Optional<String> watchEvent(ApiRequest.Target target, ApiRequest request, boolean table, String eventJson) {
    JsonNode event = Json.parse(eventJson);
    JsonNode object = event.path("object");
    String type = event.path("type").asText();
    if (!sameType(object, target.resource())) {
      return Optional.empty();
    }
    if (!FieldSelector.parse(request.param("fieldSelector").orElse(null)).matches(object)) {
      return Optional.empty();
    }
    if (!LabelSelector.parse(request.param("labelSelector").orElse(null)).matches(object)) {
      return Optional.empty();
    }
    long since = parseVersion(request.param("resourceVersion").orElse(""));
    if (type.equals("ADDED") && since > 0
        && parseVersion(object.path("metadata").path("resourceVersion").asText("")) <= since) {
      return Optional.empty(); // already in the list the client started from
    }
    ObjectNode out = Json.object().put("type", type);
    out.set("object", table ? Tables.table(target.resource(), List.of(object), null, clock.instant(),
        request.param("includeObject").orElse(null)) : object);
    return Optional.of(Json.write(out));
  }

  /**
   * Registers an HTTP watch with the mock server and returns the deletions it would otherwise
   * miss: those after the client's resourceVersion but before the watch existed (the mock server
   * has no event history). Atomic with respect to writes.
   *
   * @param target the watched collection
   * @param request the watch request
   * @param crudPath the mock server's watch path
   * @param table whether events carry Tables
   * @return the mock server's upgrade response (holding the listener) and the event lines to replay
   */
  public WatchStart openWatch(ApiRequest.Target target, ApiRequest request, String crudPath, boolean table) {
    synchronized (writeLock) {
      MockResponse upgrade = crud.handleGet(crudPath);
      long since = parseVersion(request.param("resourceVersion").orElse(""));
      List<String> replay = new ArrayList<>();
      if (since > 0) {
        String collection = collectionKey(target.resource());
        for (Tombstone t : tombstones) {
          if (t.version() > since && t.collection().equals(collection)
              && (target.namespace() == null
                  || target.namespace().equals(t.object().path("metadata").path("namespace").asText()))) {
            ObjectNode event = Json.object().put("type", "DELETED");
            event.set("object", t.object());
            watchEvent(target, request, table, Json.write(event)).ifPresent(replay::add);
          }
        }
      }
      return new WatchStart(upgrade, replay);
    }
  }

  /**
   * Records an HTTP watch (served outside {@link #dispatch}).
   *
   * @param request the watch request
   * @param target its target
   * @param userAgent the client's User-Agent
   */
  public void recordWatch(ApiRequest request, ApiRequest.Target target, String userAgent) {
    calls.add(ApiCall.of("GET", request, target, userAgent));
  }

  /**
   * Every resource request served so far, oldest first.
   *
   * @return a snapshot
   */
  public List<ApiCall> calls() {
    return List.copyOf(calls);
  }

  /** Forgets the recorded requests. */
  public void clearCalls() {
    calls.clear();
  }

  /**
   * A registered HTTP watch.
   *
   * @param upgrade the mock server's response, whose listener produces the live events
   * @param replay event lines to send first
   */
  public record WatchStart(MockResponse upgrade, List<String> replay) {}

  private void remember(ApiResource resource, JsonNode object) {
    ObjectNode copy = object.deepCopy();
    long version = crud.requestResourceVersion();
    if (copy.path("metadata").isObject()) {
      ((ObjectNode) copy.get("metadata")).put("resourceVersion", Long.toString(version));
    }
    tombstones.addLast(new Tombstone(version, collectionKey(resource), copy));
    while (tombstones.size() > TOMBSTONES) {
      tombstones.removeFirst();
    }
  }

  private static String collectionKey(ApiResource resource) {
    return resource.group() + "/" + resource.plural();
  }

  private List<JsonNode> items(String collectionPath) {
    List<JsonNode> out = new ArrayList<>();
    Json.parse(body(crud.handleGet(collectionPath))).path("items").forEach(out::add);
    return out;
  }

  /**
   * Whether an Accept header asks for a Table.
   *
   * @param accept the header
   * @return true for {@code as=Table}
   */
  public static boolean wantsTable(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  /**
   * The served types, with the stored CRDs.
   *
   * @return the catalog
   */
  public ResourceCatalog catalog() {
    return ResourceCatalog.of(crds());
  }

  // ---- writes ----

  private MockResponse create(ApiRequest req, ApiRequest.Target target, String body) {
    if (target.name() != null) {
      return json(405, ApiStatus.failure(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource", null, null));
    }
    JsonNode parsed = parseBody(body);
    if (!parsed.isObject()) {
      return badRequest("the request body must be a JSON object");
    }
    ObjectNode object = (ObjectNode) parsed;
    ApiResource resource = target.resource();
    Optional<MockResponse> typeError = checkType(object, resource);
    if (typeError.isPresent()) {
      return typeError.get();
    }
    if (resource.statusSubresource() && ResourceCatalog.isBuiltIn(resource.groupVersion())
        && !resource.kind().equals("Node") && !resource.kind().equals("Namespace")) {
      object.remove("status"); // status is the controllers' to write, not the creator's
    }
    ObjectNode metadata = object.has("metadata") && object.get("metadata").isObject()
        ? (ObjectNode) object.get("metadata") : object.putObject("metadata");
    String name = metadata.path("name").asText("");
    if (name.isEmpty() && metadata.path("generateName").asText("").isEmpty()) {
      return invalid(resource, name, List.of(FieldError.required("metadata.name", "name or generateName is required")));
    }
    if (resource.namespaced()) {
      String bodyNamespace = metadata.path("namespace").asText("");
      if (!bodyNamespace.isEmpty() && target.namespace() != null && !bodyNamespace.equals(target.namespace())) {
        return badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      if (target.namespace() == null) {
        return notFoundPath();
      }
      if (fetch("/api/v1/namespaces/" + target.namespace()).isEmpty()) {
        return json(404, ApiStatus.notFound("namespaces", target.namespace()));
      }
    }
    ObjectNode toStore;
    switch (admit(req, resource, target, object, null)) {
      case Admission.Rejected rejected -> {
        return rejected.response();
      }
      case Admission.Accepted accepted -> toStore = accepted.object();
    }
    if (req.param("dryRun").isPresent()) {
      ObjectNode meta = (ObjectNode) toStore.get("metadata");
      meta.put("uid", UUID.randomUUID().toString())
          .put("creationTimestamp", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
      return json(201, toStore);
    }
    MockResponse response = send(HttpMethod.POST, target.collectionPath(), JSON, Json.write(toStore));
    return fromStore(response, target, name, "create");
  }

  private MockResponse replace(ApiRequest req, ApiRequest.Target target, String body) {
    if (target.name() == null) {
      return json(405, ApiStatus.failure(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource", null, null));
    }
    JsonNode parsed = parseBody(body);
    if (!parsed.isObject()) {
      return badRequest("the request body must be a JSON object");
    }
    Optional<JsonNode> existing = fetch(target.objectPath());
    if (existing.isEmpty()) {
      return json(404, ApiStatus.notFound(target.qualifiedPlural(), target.name()));
    }
    return store(req, target, (ObjectNode) parsed, existing.get());
  }

  private MockResponse patch(ApiRequest req, ApiRequest.Target target, String contentType, String body) {
    if (target.name() == null) {
      return json(405, ApiStatus.failure(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource", null, null));
    }
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("application/apply-patch")) {
      // Before looking the object up: server-side apply of a new object is a PATCH too.
      return json(415, ApiStatus.failure(415, "UnsupportedMediaType", "server-side apply is not supported"
          + " by the fairlead sandbox; use client-side `kubectl apply` (without --server-side)", null, null));
    }
    Optional<JsonNode> existing = fetch(target.objectPath());
    if (existing.isEmpty()) {
      return json(404, ApiStatus.notFound(target.qualifiedPlural(), target.name()));
    }
    JsonNode patch = parseBody(body);
    JsonNode patched;
    if (type.startsWith("application/strategic-merge-patch+json")) {
      if (!ResourceCatalog.isBuiltIn(target.resource().groupVersion())) {
        return json(415, ApiStatus.failure(415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include:"
                + " application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            null, null));
      }
      patched = StrategicMerge.apply(existing.get(), patch);
    } else if (type.startsWith("application/merge-patch+json")) {
      patched = MergePatch.apply(existing.get(), patch);
    } else if (type.startsWith("application/json-patch+json") || type.isEmpty()) {
      try {
        patched = JsonPatch.apply(patch, existing.get());
      } catch (RuntimeException e) {
        return json(422, ApiStatus.failure(422, "Invalid", "the server rejected our request due to an error"
            + " in our request: " + e.getMessage(), null, null));
      }
    } else {
      return json(415, ApiStatus.failure(415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include:"
              + " application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
          null, null));
    }
    if (!patched.isObject()) {
      return badRequest("the patch must produce a JSON object");
    }
    return store(req, target, (ObjectNode) patched, existing.get());
  }

  private MockResponse store(ApiRequest req, ApiRequest.Target target, ObjectNode object, JsonNode existing) {
    ApiResource resource = target.resource();
    if (!object.has("apiVersion")) {
      object.put("apiVersion", resource.groupVersion());
    }
    if (!object.has("kind")) {
      object.put("kind", resource.kind());
    }
    Optional<MockResponse> typeError = checkType(object, resource);
    if (typeError.isPresent()) {
      return typeError.get();
    }
    if ("status".equals(target.subresource())) {
      if (req.param("dryRun").isPresent()) {
        return json(200, object);
      }
      MockResponse response = send(HttpMethod.PUT, target.objectPath() + "/status", JSON, Json.write(object));
      return fromStore(response, target, target.name(), "update");
    }
    ObjectNode toStore;
    switch (admit(req, resource, target, object, existing)) {
      case Admission.Rejected rejected -> {
        return rejected.response();
      }
      case Admission.Accepted accepted -> toStore = accepted.object();
    }
    if (resource.statusSubresource() && ResourceCatalog.isBuiltIn(resource.groupVersion())
        && !resource.kind().equals("CustomResourceDefinition")) {
      // Writes to the main resource leave status alone (as with a real status subresource).
      if (existing.has("status")) {
        toStore.set("status", existing.get("status").deepCopy());
      } else {
        toStore.remove("status");
      }
    }
    if (req.param("dryRun").isPresent()) {
      return json(200, toStore);
    }
    String written = Json.write(toStore);
    MockResponse response = send(HttpMethod.PUT, target.objectPath(), JSON, written);
    if (response.code() == 200 && body(response).isEmpty()) {
      // The last finalizer of an object being deleted went: the mock server removed it.
      remember(resource, toStore);
      return json(200, toStore);
    }
    return fromStore(response, target, target.name(), "update");
  }

  private MockResponse delete(ApiRequest req, ApiRequest.Target target) {
    if (req.param("dryRun").isPresent()) {
      return fetch(target.objectPath()).map(o -> json(200, o))
          .orElseGet(() -> json(404, ApiStatus.notFound(target.qualifiedPlural(), target.name())));
    }
    String path = target.name() == null ? target.collectionPath() : target.objectPath();
    if (target.name() != null && fetch(path).isEmpty()) {
      return json(404, ApiStatus.notFound(target.qualifiedPlural(), target.name()));
    }
    List<JsonNode> before = target.name() == null ? items(path) : fetch(path).map(List::of).orElse(List.of());
    MockResponse response = crud.handleDelete(path);
    if (response.code() >= 400) {
      return fromStore(response, target, target.name(), "delete");
    }
    for (JsonNode object : before) {
      String name = object.path("metadata").path("name").asText();
      String namespace = object.path("metadata").path("namespace").asText(null);
      ApiRequest.Target one = new ApiRequest.Target(target.resource(), namespace, name, null);
      if (fetch(one.objectPath()).isEmpty()) {
        remember(target.resource(), object);
      }
    }
    if (target.name() == null) {
      return list(ApiRequest.parse(path), target, false);
    }
    if (target.resource().group().isEmpty() && target.resource().kind().equals("Namespace")) {
      deleteContents(target.name());
    }
    return json(200, Json.parse(body(response)));
  }

  /** Like the namespace controller: deleting a Namespace deletes what is in it (finalizers honoured). */
  private void deleteContents(String namespace) {
    for (ApiResource resource : catalog().all()) {
      if (!resource.namespaced() || (resource.group().equals("events.k8s.io"))) {
        continue;
      }
      ApiRequest.Target collection = new ApiRequest.Target(resource, namespace, null, null);
      List<JsonNode> before = items(collection.collectionPath());
      if (before.isEmpty()) {
        continue;
      }
      crud.handleDelete(collection.collectionPath());
      for (JsonNode object : before) {
        String name = object.path("metadata").path("name").asText();
        if (fetch(collection.collectionPath() + "/" + name).isEmpty()) {
          remember(resource, object);
        }
      }
    }
  }

  /** The outcome of type-specific admission. */
  private sealed interface Admission {
    /** Store this. */
    record Accepted(ObjectNode object) implements Admission {}

    /** Answer this instead. */
    record Rejected(MockResponse response) implements Admission {}
  }

  /** Type-specific admission: defaults, validation, allocation. */
  private Admission admit(ApiRequest req, ApiResource resource, ApiRequest.Target target, ObjectNode object,
      JsonNode existing) {
    String key = resource.group() + "/" + resource.kind();
    switch (key) {
      case "/Service" -> {
        if ("Strict".equals(req.param("fieldValidation").orElse(""))) {
          List<String> unknown = ServicePolicy.unknownFields(object);
          if (!unknown.isEmpty()) {
            return new Admission.Rejected(badRequest("Service in version \"v1\" cannot be handled as a Service:"
                + " strict decoding error: " + String.join(", ",
                    unknown.stream().map(f -> "unknown field \"" + f + "\"").toList())));
          }
        }
        if (existing == null && target.namespace() != null) {
          ((ObjectNode) object.get("metadata")).put("namespace", target.namespace());
        }
        ServicePolicy.Allocated others = othersExcept(target.namespace(),
            object.path("metadata").path("name").asText(target.name() == null ? "" : target.name()));
        return switch (ServicePolicy.admit(object, existing, others)) {
          case ServicePolicy.Outcome.Admitted admitted -> new Admission.Accepted(admitted.service());
          case ServicePolicy.Outcome.Rejected rejected -> new Admission.Rejected(
              invalid(resource, object.path("metadata").path("name").asText(""), rejected.errors()));
        };
      }
      case "apiextensions.k8s.io/CustomResourceDefinition" -> {
        ObjectNode crd = object.deepCopy();
        crdStatus(crd, existing);
        return new Admission.Accepted(crd);
      }
      default -> {
        if (!ResourceCatalog.isBuiltIn(resource.groupVersion())) {
          ObjectNode copy = object.deepCopy();
          schemaOf(resource).ifPresent(schema -> CrdDefaults.apply(schema, copy));
          if (resource.statusSubresource() && existing == null) {
            copy.remove("status");
          }
          return new Admission.Accepted(copy);
        }
        return new Admission.Accepted(object);
      }
    }
  }

  private void crdStatus(ObjectNode crd, JsonNode existing) {
    ObjectNode status = crd.putObject("status");
    status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    ArrayNode conditions = status.putArray("conditions");
    conditions.addObject().put("type", "NamesAccepted").put("status", "True").put("reason", "NoConflicts")
        .put("message", "no conflicts found").put("lastTransitionTime", now);
    conditions.addObject().put("type", "Established").put("status", "True").put("reason", "InitialNamesAccepted")
        .put("message", "the initial names have been accepted").put("lastTransitionTime", now);
    ArrayNode stored = status.putArray("storedVersions");
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (version.path("storage").asBoolean(false)) {
        stored.add(version.path("name").asText());
      }
    }
    if (existing != null) {
      existing.path("status").path("storedVersions").forEach(v -> {
        boolean present = false;
        for (JsonNode s : stored) {
          present |= s.asText().equals(v.asText());
        }
        if (!present) {
          stored.add(v.asText());
        }
      });
    }
  }

  private Optional<JsonNode> schemaOf(ApiResource resource) {
    for (JsonNode crd : crds()) {
      JsonNode spec = crd.path("spec");
      if (spec.path("group").asText().equals(resource.group())
          && spec.path("names").path("plural").asText().equals(resource.plural())) {
        for (JsonNode version : spec.path("versions")) {
          if (version.path("name").asText().equals(resource.version())) {
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            return schema.isMissingNode() ? Optional.empty() : Optional.of(schema);
          }
        }
      }
    }
    return Optional.empty();
  }

  private ServicePolicy.Allocated othersExcept(String namespace, String name) {
    ServicePolicy.Allocated all = new ServicePolicy.Allocated(java.util.Set.of(), java.util.Set.of());
    JsonNode list = Json.parse(body(crud.handleGet("/api/v1/services")));
    for (JsonNode svc : list.path("items")) {
      if (svc.path("metadata").path("namespace").asText().equals(namespace)
          && svc.path("metadata").path("name").asText().equals(name)) {
        continue;
      }
      if (!"Service".equals(svc.path("kind").asText("Service"))) {
        continue;
      }
      all = all.plus(ServicePolicy.Allocated.of(svc));
    }
    return all;
  }

  // ---- helpers ----

  private List<JsonNode> crds() {
    JsonNode list = Json.parse(body(crud.handleGet(CRDS)));
    List<JsonNode> out = new ArrayList<>();
    list.path("items").forEach(out::add);
    return out;
  }

  private Optional<JsonNode> fetch(String path) {
    MockResponse response = crud.handleGet(path);
    if (response.code() != 200) {
      return Optional.empty();
    }
    String text = body(response);
    return text.isEmpty() ? Optional.empty() : Optional.of(Json.parse(text));
  }

  private MockResponse send(HttpMethod method, String path, String contentType, String body) {
    RecordedRequest request = new RecordedRequest("HTTP/1.1", method, path,
        Headers.builder().add("Content-Type", contentType).build(),
        new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    return crud.dispatch(request);
  }

  private MockResponse fromStore(MockResponse response, ApiRequest.Target target, String name, String verb) {
    int code = response.code();
    String text = body(response);
    if (code < 400) {
      return json(code == 202 ? 200 : code, text.isEmpty() ? Json.object() : Json.parse(text));
    }
    String plural = target.qualifiedPlural();
    return switch (code) {
      case 404 -> json(404, ApiStatus.notFound(plural, name == null ? "" : name));
      case 409 -> verb.equals("create")
          ? json(409, ApiStatus.failure(409, "AlreadyExists", plural + " \"" + name + "\" already exists", plural, name))
          : json(409, ApiStatus.failure(409, "Conflict", "Operation cannot be fulfilled on " + plural + " \""
              + name + "\": the object has been modified; please apply your changes to the latest version"
              + " and try again", plural, name));
      default -> {
        JsonNode status = text.isEmpty() ? null : tryParse(text);
        yield status != null && "Status".equals(status.path("kind").asText())
            ? json(code, status)
            : json(code, ApiStatus.failure(code, "BadRequest", text.isEmpty() ? "request failed" : text, plural, name));
      }
    };
  }

  private static JsonNode tryParse(String text) {
    try {
      return Json.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Optional<MockResponse> checkType(ObjectNode object, ApiResource resource) {
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    if (!apiVersion.isEmpty() && !apiVersion.equals(resource.groupVersion())) {
      return Optional.of(badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + resource.groupVersion() + ")"));
    }
    if (!kind.isEmpty() && !kind.equals(resource.kind())) {
      return Optional.of(badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
          + resource.kind() + ")"));
    }
    if (apiVersion.isEmpty()) {
      object.put("apiVersion", resource.groupVersion());
    }
    if (kind.isEmpty()) {
      object.put("kind", resource.kind());
    }
    return Optional.empty();
  }

  private static boolean sameType(JsonNode object, ApiResource resource) {
    String kind = object.path("kind").asText("");
    return kind.isEmpty() || kind.equals(resource.kind());
  }

  private static JsonNode parseBody(String body) {
    if (body.isBlank()) {
      throw new IllegalArgumentException("the request body is empty");
    }
    try {
      return Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the request body is not valid JSON: " + e.getMessage());
    }
  }

  private static MockResponse invalid(ApiResource resource, String name, List<FieldError> errors) {
    return json(422, ApiStatus.invalid(resource.kind(), resource.group(), name, errors));
  }

  private static MockResponse badRequest(String message) {
    return json(400, ApiStatus.failure(400, "BadRequest", message, null, null));
  }

  private static MockResponse notFoundPath() {
    return json(404, ApiStatus.failure(404, "NotFound", "the server could not find the requested resource",
        null, null));
  }

  static long parseVersion(String text) {
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String body(MockResponse response) {
    return response.getBody() == null ? "" : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  static MockResponse json(int code, JsonNode body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON).setBody(Json.write(body));
  }

}
