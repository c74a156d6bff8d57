package dev.fairlead.sim.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.fairlead.sim.http.QueryString;
import dev.fairlead.sim.http.RecordedRequest;
import dev.fairlead.sim.http.RequestRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The HTTP side of the ARM simulator: routes ARM URLs to the {@link ArmStore}, answers with ARM's
 * status codes, headers ({@code Azure-AsyncOperation}, {@code Location}, {@code Retry-After},
 * {@code x-ms-request-id}) and error bodies, applies the subscription's read and write throttles,
 * checks {@code api-version} and bearer tokens, and records every request.
 */
final class ArmHttpHandler implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_VERSION = "\\d{4}-\\d{2}-\\d{2}(-preview)?";

  private final ArmStore store;
  private final RequestRecorder recorder;
  private final Throttle throttle;
  private final int pageSize;

  ArmHttpHandler(ArmStore store, RequestRecorder recorder, Throttle throttle, int pageSize) {
    this.store = store;
    this.recorder = recorder;
    this.throttle = throttle;
    this.pageSize = pageSize;
  }

  /** An answer before it is written. */
  private record Answer(int status, JsonNode body, Map<String, String> headers) {
    static Answer json(int status, JsonNode body) {
      return new Answer(status, body, new LinkedHashMap<>());
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (recorder.serve(exchange)) {
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/sim/config")) {
        serveConfig(exchange);
        return;
      }
      Answer answer;
      try {
        answer = dispatch(exchange);
      } catch (ArmError e) {
        answer = new Answer(e.status(), e.body(), new LinkedHashMap<>(e.headers()));
      } catch (RuntimeException e) {
        answer = new Answer(500, new ArmError(500, "InternalServerError",
            "The simulator failed: " + e).body(), new LinkedHashMap<>());
      }
      // Recorded before the answer leaves: a client that has its answer always finds it counted.
      recorder.record(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          answer.status(), exchange.getRequestHeaders().getFirst("User-Agent")));
      write(exchange, answer);
    }
  }

  private Answer dispatch(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String[] seg = segments(exchange.getRequestURI().getRawPath());
    Map<String, String> query = QueryString.parse(exchange.getRequestURI().getRawQuery());
    checkAuthorization(exchange);
    String apiVersion = query.get("api-version");
    if (apiVersion == null) {
      throw ArmError.badRequest("MissingApiVersionParameter",
          "The api-version query parameter (?api-version=) is required for all requests.");
    }
    if (!apiVersion.matches(API_VERSION) || apiVersion.compareTo("2015-06-15") < 0) {
      throw ArmError.badRequest("InvalidApiVersionParameter", "The api-version '" + apiVersion
          + "' is invalid. The supported versions are dates such as '2024-07-01'.");
    }
    if (seg.length == 0 || !seg[0].equalsIgnoreCase("subscriptions")) {
      throw new ArmError(404, "NotFound", "No route for " + exchange.getRequestURI().getPath() + ".");
    }
    if (seg.length >= 2) {
      throttle.admit(seg[1], !method.equals("GET") && !method.equals("HEAD"));
    }
    String base = baseUrl(exchange);
    synchronized (store) {
      if (seg.length == 1) {
        ArrayNode value = JSON.createArrayNode();
        store.subscriptions().forEach(s -> value.addObject().put("id", "/subscriptions/" + s)
            .put("subscriptionId", s).put("displayName", "fairlead simulator").put("state", "Enabled")
            .put("tenantId", "00000000-0000-0000-0000-000000000000"));
        return Answer.json(200, JSON.createObjectNode().set("value", value));
      }
      String sub = seg[1];
      if (seg.length == 2) {
        return Answer.json(200, JSON.createObjectNode().put("id", "/subscriptions/" + sub)
            .put("subscriptionId", sub).put("displayName", "fairlead simulator").put("state", "Enabled"));
      }
      if (seg[2].equalsIgnoreCase("resourceGroups")) {
        return resourceGroups(method, sub, seg, exchange, base, apiVersion, query);
      }
      if (seg[2].equalsIgnoreCase("providers") && seg.length >= 5) {
        if (seg.length == 8 && seg[4].equalsIgnoreCase("locations")
            && (seg[6].equalsIgnoreCase("operations") || seg[6].equalsIgnoreCase("operationResults"))) {
          requireGet(method);
          return operation(seg[7], seg[6].equalsIgnoreCase("operationResults"), base, apiVersion);
        }
        if (seg.length == 5) {
          requireGet(method);
          return page(store.list(sub, null, seg[4]), base, exchange, query);
        }
      }
      throw new ArmError(404, "NotFound", "No route for " + exchange.getRequestURI().getPath() + ".");
    }
  }

  private Answer resourceGroups(String method, String sub, String[] seg, HttpExchange exchange, String base,
      String apiVersion, Map<String, String> query) throws IOException {
    if (seg.length == 3) {
      requireGet(method);
      ArrayNode value = JSON.createArrayNode();
      store.groups(sub).forEach(value::add);
      return Answer.json(200, JSON.createObjectNode().set("value", value));
    }
    String group = seg[3];
    if (seg.length == 4) {
      switch (method) {
        case "GET", "HEAD" -> {
          ObjectNode g = store.group(sub, group);
          if (g == null) {
            throw ArmError.resourceGroupNotFound(group);
          }
          return Answer.json(method.equals("HEAD") ? 204 : 200, method.equals("HEAD") ? null : g);
        }
        case "PUT" -> {
          ObjectNode body = body(exchange);
          boolean created = store.group(sub, group) == null;
          String location = ResourceKind.text(body, "location");
          if (location == null) {
            throw ArmError.badRequest("LocationRequired", "The location property is required for this definition.");
          }
          return Answer.json(created ? 201 : 200, store.putGroup(sub, group, location, body.get("tags")));
        }
        case "DELETE" -> {
          if (store.group(sub, group) == null) {
            throw ArmError.resourceGroupNotFound(group);
          }
          store.deleteGroup(sub, group);
          return Answer.json(200, null);
        }
        default -> throw methodNotAllowed(method);
      }
    }
    if (!seg[4].equalsIgnoreCase("providers") || seg.length < 7) {
      throw new ArmError(404, "NotFound", "No route for " + exchange.getRequestURI().getPath() + ".");
    }
    if (store.group(sub, group) == null) {
      throw ArmError.resourceGroupNotFound(group);
    }
    if (seg.length == 7) {
      requireGet(method);
      if (!seg[5].equalsIgnoreCase(ArmStore.PROVIDER) || store.kind(seg[6]) == null) {
        throw new ArmError(400, "InvalidResourceType", "The resource type '" + seg[6]
            + "' could not be found in the namespace '" + seg[5] + "'.");
      }
      return page(store.list(sub, group, store.kind(seg[6]).type()), base, exchange, query);
    }
    ResourceId id = new ResourceId(sub, group, seg[5], seg[6], seg[7]);
    String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
    String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
    if (seg.length == 8) {
      switch (method) {
        case "GET" -> {
          ObjectNode resource = store.get(id);
          if (resource == null) {
            throw ArmError.resourceNotFound(id);
          }
          return Answer.json(200, resource);
        }
        case "PUT" -> {
          ArmStore.Written written = store.put(id, body(exchange), ifMatch, ifNoneMatch);
          return longRunning(written.status(), written.body(), written.operation(), base, apiVersion, false);
        }
        case "PATCH" -> {
          return Answer.json(200, store.patchTags(id, body(exchange).get("tags")));
        }
        case "DELETE" -> {
          ArmStore.Operation op = store.delete(id, ifMatch);
          return deleted(op, base, apiVersion);
        }
        default -> throw methodNotAllowed(method);
      }
    }
    String collection = seg[8];
    if (seg.length == 9) {
      requireGet(method);
      ObjectNode parent = store.get(id);
      if (parent == null) {
        throw ArmError.resourceNotFound(id);
      }
      List<ObjectNode> items = new java.util.ArrayList<>();
      parent.path("properties").fields().forEachRemaining(e -> {
        if (e.getKey().equalsIgnoreCase(collection) && e.getValue().isArray()) {
          e.getValue().forEach(n -> items.add((ObjectNode) n));
        }
      });
      return page(items, base, exchange, query);
    }
    if (seg.length != 10) {
      throw new ArmError(404, "NotFound", "No route for " + exchange.getRequestURI().getPath() + ".");
    }
    String childName = seg[9];
    switch (method) {
      case "GET" -> {
        ObjectNode parent = store.get(id);
        ObjectNode child = parent == null ? null : ArmStore.findChild(parent, collection, childName);
        if (child == null) {
          throw ArmError.childNotFound(id.id() + "/" + collection + "/" + childName);
        }
        return Answer.json(200, child);
      }
      case "PUT" -> {
        ArmStore.Written written = store.putChild(id, collection, childName, body(exchange), ifMatch);
        return longRunning(written.status(), written.body(), written.operation(), base, apiVersion, false);
      }
      case "DELETE" -> {
        return deleted(store.deleteChild(id, collection, childName), base, apiVersion);
      }
      default -> throw methodNotAllowed(method);
    }
  }

  private Answer longRunning(int status, ObjectNode body, ArmStore.Operation op, String base, String apiVersion,
      boolean withLocation) {
    Answer answer = Answer.json(status, body);
    answer.headers().put("Azure-AsyncOperation", base + store.operationPath(op) + "?api-version=" + apiVersion);
    if (withLocation) {
      answer.headers().put("Location", base + store.operationResultPath(op) + "?api-version=" + apiVersion);
    }
    if (!op.done()) {
      answer.headers().put("Retry-After", Long.toString(store.retryAfterSeconds(op)));
    }
    return answer;
  }

  private Answer deleted(ArmStore.Operation op, String base, String apiVersion) {
    if (op == null) {
      return Answer.json(204, null);
    }
    if (op.done()) {
      return Answer.json(200, null);
    }
    return longRunning(202, null, op, base, apiVersion, true);
  }

  private Answer operation(String id, boolean result, String base, String apiVersion) {
    ArmStore.Operation op = store.operation(id);
    if (op == null) {
      throw new ArmError(404, "OperationNotFound", "The operation '" + id + "' could not be found.");
    }
    if (result) {
      if (!op.done()) {
        Answer answer = Answer.json(202, null);
        answer.headers().put("Location", base + store.operationResultPath(op) + "?api-version=" + apiVersion);
        answer.headers().put("Retry-After", Long.toString(store.retryAfterSeconds(op)));
        return answer;
      }
      if (op.error != null) {
        throw op.error;
      }
      return Answer.json(204, null);
    }
    ObjectNode status = JSON.createObjectNode().put("status", op.status).put("startTime", op.startTime);
    if (op.error != null) {
      status.set("error", op.error.body().get("error"));
    }
    Answer answer = Answer.json(200, status);
    if (!op.done()) {
      answer.headers().put("Retry-After", Long.toString(store.retryAfterSeconds(op)));
    }
    return answer;
  }

  private Answer page(List<ObjectNode> all, String base, HttpExchange exchange, Map<String, String> query) {
    int offset = 0;
    String token = query.get("$skiptoken");
    if (token != null) {
      try {
        offset = Integer.parseInt(token);
      } catch (NumberFormatException e) {
        throw ArmError.badRequest("InvalidSkipToken", "The skip token '" + token + "' is not valid.");
      }
    }
    ArrayNode value = JSON.createArrayNode();
    all.stream().skip(offset).limit(pageSize).forEach(value::add);
    ObjectNode body = JSON.createObjectNode();
    body.set("value", value);
    if (offset + pageSize < all.size()) {
      String raw = exchange.getRequestURI().getRawPath();
      body.put("nextLink", base + raw + "?api-version=" + query.get("api-version") + "&$skiptoken="
          + (offset + pageSize));
    }
    return Answer.json(200, body);
  }

  private void serveConfig(HttpExchange exchange) throws IOException {
    if (exchange.getRequestMethod().equals("POST")) {
      JsonNode body = JSON.readTree(exchange.getRequestBody());
      if (body.has("operationLatencyMs")) {
        synchronized (store) {
          store.setOperationLatency(Duration.ofMillis(body.get("operationLatencyMs").asLong()));
        }
      }
    }
    ObjectNode config = JSON.createObjectNode();
    synchronized (store) {
      config.put("operationLatencyMs", store.operationLatency().toMillis());
    }
    write(exchange, Answer.json(200, config));
  }

  private static void checkAuthorization(HttpExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth != null && (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank())) {
      throw new ArmError(401, "InvalidAuthenticationToken",
          "The access token is invalid: the Authorization header must be 'Bearer <token>'.");
    }
  }

  private static String baseUrl(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("X-Forwarded-Host");
    String proto = exchange.getRequestHeaders().getFirst("X-Forwarded-Proto");
    if (host == null) {
      host = exchange.getRequestHeaders().getFirst("Host");
    }
    if (proto == null) {
      proto = exchange instanceof com.sun.net.httpserver.HttpsExchange ? "https" : "http";
    }
    return proto + "://" + host;
  }

  private static ObjectNode body(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readAllBytes();
    }
    if (bytes.length == 0) {
      throw ArmError.invalidContent("the request has no body");
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (!(node instanceof ObjectNode object)) {
        throw ArmError.invalidContent("the body must be a JSON object");
      }
      return object;
    } catch (JsonProcessingException e) {
      throw ArmError.invalidContent(e.getOriginalMessage());
    }
  }

  private static void requireGet(String method) {
    if (!method.equals("GET")) {
      throw methodNotAllowed(method);
    }
  }

  private static ArmError methodNotAllowed(String method) {
    return new ArmError(405, "MethodNotAllowed", "The requested method " + method + " is not allowed here.");
  }

  private static void write(HttpExchange exchange, Answer answer) throws IOException {
    var headers = exchange.getResponseHeaders();
    answer.headers().forEach(headers::set);
    String requestId = UUID.randomUUID().toString();
    headers.set("x-ms-request-id", requestId);
    headers.set("x-ms-correlation-request-id", requestId);
    headers.set("Cache-Control", "no-cache");
    byte[] bytes = answer.body() == null ? new byte[0] : JSON.writeValueAsBytes(answer.body());
    if (bytes.length > 0) {
      headers.set("Content-Type", "application/json; charset=utf-8");
    }
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String[] segments(String rawPath) {
    String trimmed = rawPath.replaceAll("^/+|/+$", "");
    if (trimmed.isEmpty()) {
      return new String[0];
    }
    String[] parts = trimmed.split("/+");
    for (int i = 0; i < parts.length; i++) {
      parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
    }
    return parts;
  }

}
