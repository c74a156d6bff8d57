package dev.fairlead.kube.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * fabric8's CRUD dispatcher, made to behave like a real API server where a controller notices:
 *
 * <ul>
 *   <li><b>An index</b> by (resource, namespace, name): the stock dispatcher scans every stored
 *       object on each GET, PATCH and POST of a single object (about 2 µs per object, so 4 ms per
 *       request at 2,000 objects). Lists and watches still use the stock code.
 *   <li><b>JSON merge patches follow RFC 7386</b> ({@link MergePatch}): arrays are replaced, not
 *       appended to, so a repeated status patch does not publish an ingress twice.
 *   <li><b>No-op writes are dropped</b>: a write that changes nothing but the resourceVersion is
 *       neither stored nor sent to watches (the stock mock turns each into a watch event and so into
 *       another reconcile). They are counted.
 *   <li><b>A watch from a resourceVersion starts there</b>: the stock mock replays every stored
 *       object as ADDED whenever a watch opens.
 *   <li><b>Counters</b> of every request by verb and resource (and subresource), 409s, no-op writes,
 *       and when each Service's {@code status.loadBalancer.ingress} was first published.
 *   <li>Optionally, <b>events are acknowledged, not stored</b> (for benchmarks, where they would grow
 *       the store by two per Service and nothing reads them back).
 * </ul>
 *
 * <p>Set the system property {@code fakeapi.debug=true} to print every write.
 */
public final class FaithfulCrudDispatcher extends KubernetesCrudDispatcher {
  private final Map<String, AttributeSet> index = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();
  private final Map<String, Long> published = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON =
      new ObjectMapper();
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder noOpWrites = new LongAdder();
  private final AtomicLong lastWrite = new AtomicLong();
  private final AtomicLong eventNames = new AtomicLong();

  private final boolean storeEvents;
  private volatile String controlPrefix;
  private volatile Function<RecordedRequest, MockResponse> control;

  /**
   * Creates the dispatcher.
   *
   * @param storeEvents false to acknowledge Event writes without storing them
   */
  public FaithfulCrudDispatcher(boolean storeEvents) {
    this.storeEvents = storeEvents;
  }

  /**
   * Routes requests under a path prefix to a handler of the caller's (a benchmark's control API)
   * instead of the store.
   *
   * @param prefix such as {@code /bench/}
   * @param handler answers those requests
   */
  public void control(String prefix, Function<RecordedRequest, MockResponse> handler) {
    this.control = handler;
    this.controlPrefix = prefix;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getPath();
    Function<RecordedRequest, MockResponse> handler = control;
    if (handler != null && path.startsWith(controlPrefix)) {
      return handler.apply(request);
    }
    String category = category(method, path);
    counts.computeIfAbsent(category, c -> new LongAdder()).increment();
    if (!"GET".equals(method)) {
      lastWrite.set(System.nanoTime());
    }
    if (!storeEvents && category.endsWith(" events")) {
      return acknowledgeEvent(request);
    }
    String body = "GET".equals(method) ? null : body(request); // dispatching consumes the body
    MockResponse response = super.dispatch(request);
    if (response.code() == 409) {
      conflicts.increment();
    }
    if (Boolean.getBoolean("fakeapi.debug") && (!"GET".equals(method) || path.contains("watch=true"))) {
      System.err.println("fakeapi: " + method + " " + path + " -> " + response.code() + " " + body);
    }
    if ("PATCH services/status".equals(category) && response.code() / 100 == 2) {
      notePublished(path, body);
    }
    return response;
  }

  private void notePublished(String path, String body) {
    // /api/v1/namespaces/<ns>/services/<name>/status
    String[] parts = path.split("\\?")[0].split("/");
    if (parts.length >= 8 && body != null && body.contains("\"ingress\":[{")) {
      published.putIfAbsent(parts[4] + "/" + parts[6], System.nanoTime());
    }
  }

  private MockResponse acknowledgeEvent(RecordedRequest request) {
    if ("DELETE".equals(request.getMethod())) {
      return new MockResponse().setResponseCode(200).setBody("{}");
    }
    String body = body(request);
    if ("POST".equals(request.getMethod()) && body != null && !body.isEmpty()) {
      return new MockResponse().setResponseCode(201).setBody(body);
    }
    // PATCH of an aggregated event: answer with a minimal Event.
    String[] parts = request.getPath().split("\\?")[0].split("/");
    String name = parts.length > 0 ? parts[parts.length - 1] : "e" + eventNames.incrementAndGet();
    return new MockResponse()
        .setResponseCode(200)
        .setBody("{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"" + name + "\"}}");
  }

  /**
   * Creates get a random UID, as from a real API server. The stock mock numbers them {@code
   * UUID(0, n)} from a per-process counter, so consecutive objects differ only in the last hex
   * digit: names derived as upstream does ({@code "a"} + the UID without dashes, cut to 32
   * characters) would collide, and two runs would repeat each other's UIDs. The stock create always
   * overwrites the UID, so the store's copy is rewritten in {@link #processEvent} and the answer here.
   */
  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    Map<String, String> replaced = new HashMap<>();
    CREATED_UIDS.set(replaced);
    try {
      MockResponse response = super.handleCreate(request);
      if (!replaced.isEmpty() && response.getBody() != null) {
        String body = new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> uid : replaced.entrySet()) {
          body = body.replace(uid.getKey(), uid.getValue());
        }
        response.setBody(body);
      }
      return response;
    } finally {
      CREATED_UIDS.remove();
    }
  }

  private static final ThreadLocal<Map<String, String>> CREATED_UIDS = new ThreadLocal<>();

  private static String withRandomUid(String state, GenericKubernetesResource resource, Map<String, String> replaced) {
    try {
      JsonNode tree = JSON.readTree(state);
      if (tree.get("metadata") instanceof ObjectNode meta && meta.hasNonNull("uid")) {
        String generated = meta.get("uid").asText();
        String random = UUID.randomUUID().toString();
        meta.put("uid", random);
        replaced.put(generated, random);
        if (resource != null && resource.getMetadata() != null) {
          resource.getMetadata().setUid(random);
        }
        return JSON.writeValueAsString(tree);
      }
    } catch (IOException e) {
      // Not JSON: store it as the stock code would.
    }
    return state;
  }

  /** The request body, without consuming it (getUtf8Body empties the buffer). */
  private static String body(RecordedRequest request) {
    return request.getBody() == null
        ? null
        : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  /**
   * The counter a request falls under: {@code "VERB plural[/subresource][ (watch)]"}.
   *
   * @param method the HTTP method
   * @param path the request path with query
   * @return such as {@code PATCH services/status}
   */
  public static String category(String method, String path) {
    String clean = path.split("\\?")[0];
    String[] parts = clean.split("/");
    // /api/v1/[namespaces/<ns>/]<plural>[/<name>[/<sub>]]
    // /apis/<group>/<version>/[namespaces/<ns>/]<plural>[/<name>[/<sub>]]
    int i = parts.length > 1 && "apis".equals(parts[1]) ? 4 : 3;
    if (i < parts.length && "namespaces".equals(parts[i]) && i + 2 < parts.length) {
      i += 2;
    }
    String plural = i < parts.length ? parts[i] : clean;
    String sub = i + 2 < parts.length ? "/" + parts[i + 2] : "";
    String watch = path.contains("watch=true") ? " (watch)" : "";
    return method + " " + plural + sub + watch;
  }

  /**
   * Requests seen so far, by {@link #category}.
   *
   * @return a sorted snapshot
   */
  public Map<String, Long> requestCounts() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((k, v) -> snapshot.put(k, v.sum()));
    return snapshot;
  }

  /**
   * Drops every watch and every object of a resource, quietly: meant for between rounds, when no
   * client should be watching. (A watch whose client went away without a close handshake stays
   * registered in the stock mock, and a write to it blocks the server's event loop for 30 s.)
   *
   * @param plural the resource, such as {@code services}
   */
  public void removeAll(String plural) {
    try {
      ((Set<?>) LISTENERS.get(this)).clear();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    synchronized (map) {
      map.keySet().removeIf(k -> plural.equals(value(k, KubernetesAttributesExtractor.PLURAL)));
    }
    index.keySet().removeIf(id -> id.startsWith(plural + "/"));
  }

  /**
   * Stores an object directly, as if it had been created earlier: sets a fresh resourceVersion
   * (and a creationTimestamp, uid and generation if missing) and notifies open watches.
   *
   * @param object the object, with apiVersion, kind, name and, if namespaced, namespace
   * @param plural the resource, such as {@code services}
   */
  public void preload(HasMetadata object, String plural) {
    var meta = object.getMetadata();
    if (meta.getUid() == null) {
      meta.setUid(UUID.randomUUID().toString());
    }
    if (meta.getCreationTimestamp() == null) {
      meta.setCreationTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    if (meta.getGeneration() == null) {
      meta.setGeneration(1L);
    }
    meta.setResourceVersion(String.valueOf(requestResourceVersion()));
    String path =
        (object.getApiVersion().contains("/") ? "/apis/" : "/api/")
            + object.getApiVersion()
            + (meta.getNamespace() == null ? "" : "/namespaces/" + meta.getNamespace())
            + "/"
            + plural;
    processEvent(path, getKey(path), null, null, Serialization.asJson(object));
  }

  /**
   * A watch that starts at a resourceVersion gets only later changes, as from a real API server.
   * The stock mock replays every stored object as ADDED when any watch opens, so an informer that
   * has just listed 10,000 Services would receive all 10,000 again.
   */
  @Override
  public MockResponse handleWatch(String path) {
    boolean fromVersion = path.matches(".*[?&]resourceVersion=[1-9][0-9]*.*");
    if (!fromVersion || path.contains("fieldSelector")) {
      return super.handleWatch(path);
    }
    try {
      @SuppressWarnings("unchecked")
      Set<Object> listeners = (Set<Object>) LISTENERS.get(this);
      Object listener = WATCH_LISTENER.newInstance(context, getKey(path), listeners,
          LoggerFactory.getLogger(KubernetesCrudDispatcher.class),
          (Consumer<Object>) opened -> { });
      listeners.add(listener);
      return new MockResponse().withWebSocketUpgrade((WebSocketListener) listener);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8 mock internals changed: " + e, e);
    }
  }

  private static final Field LISTENERS;
  private static final Constructor<?> WATCH_LISTENER;

  static {
    try {
      LISTENERS = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
      LISTENERS.setAccessible(true);
      WATCH_LISTENER = Class.forName("io.fabric8.kubernetes.client.server.mock.WatchEventsListener")
          .getConstructor(io.fabric8.mockwebserver.Context.class, AttributeSet.class, Set.class,
              org.slf4j.Logger.class, Consumer.class);
      WATCH_LISTENER.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public MockResponse handleGet(String path) {
    if (!path.contains("watch=true")) {
      AttributeSet query = getKey(path);
      String id = id(query);
      if (id != null) {
        AttributeSet key = index.get(id);
        String body = key == null ? null : map.get(key);
        if (body != null && key.matches(query)) {
          return new MockResponse().setResponseCode(200).setBody(body);
        }
        if (body == null) {
          return new MockResponse().setResponseCode(404).setBody(
              "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
        }
      }
    }
    return super.handleGet(path);
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    String id = id(query);
    if (id == null) {
      return super.findResource(query);
    }
    AttributeSet key = index.get(id);
    if (key == null) {
      return null;
    }
    String value = map.get(key);
    return value != null && key.matches(query) ? new AbstractMap.SimpleEntry<>(key, value) : null;
  }

  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    Map<String, String> creating = CREATED_UIDS.get();
    if (oldAttributes == null && newState != null && creating != null) {
      newState = withRandomUid(newState, resource, creating);
    }
    if (oldAttributes != null && newState != null && unchanged(map.get(oldAttributes), newState)) {
      // As a real API server: a write that changes nothing is not stored and raises no watch event.
      noOpWrites.increment();
      if (Boolean.getBoolean("fakeapi.debug")) {
        System.err.println("fakeapi: no-op write to " + path);
      }
      return;
    }
    if (Boolean.getBoolean("fakeapi.debug") && oldAttributes != null) {
      System.err.println("fakeapi: change " + path + "\n  before " + map.get(oldAttributes) + "\n  after  " + newState);
    }
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      String oldId = id(oldAttributes);
      if (oldId != null) {
        index.remove(oldId, oldAttributes);
      }
    }
    if (newState != null) {
      // Recompute the key exactly as the stock dispatcher does; AttributeSet has value equality.
      KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) getAttributeExtractor();
      AttributeSet attributes =
          resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
      if (!attributes.containsKey(KubernetesAttributesExtractor.PLURAL)) {
        attributes = AttributeSet.merge(pathAttributes, attributes);
      }
      String newId = id(attributes);
      if (newId != null) {
        index.put(newId, attributes);
      }
    }
  }

  /** RFC 7386 JSON merge patch ({@link MergePatch}), not the stock array-appending merge. */
  @Override
  public JsonNode merge(JsonNode current, String patch) throws KubernetesCrudDispatcherException {
    try {
      return MergePatch.apply(current, JSON.readTree(patch));
    } catch (IOException e) {
      throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
    }
  }

  private static boolean unchanged(String before, String after) {
    if (before == null) {
      return false;
    }
    try {
      JsonNode a = JSON.readTree(before);
      JsonNode b = JSON.readTree(after);
      for (JsonNode node : List.of(a, b)) {
        if (node.get("metadata") instanceof ObjectNode meta) {
          meta.remove("resourceVersion");
        }
      }
      return a.equals(b);
    } catch (IOException e) {
      return false;
    }
  }

  private static String id(AttributeSet attributes) {
    String name = value(attributes, KubernetesAttributesExtractor.NAME);
    String plural = value(attributes, KubernetesAttributesExtractor.PLURAL);
    if (name == null || plural == null) {
      return null;
    }
    return plural + "/" + value(attributes, KubernetesAttributesExtractor.NAMESPACE) + "/" + name;
  }

  private static String value(AttributeSet attributes, String key) {
    Attribute attribute = attributes.getAttribute(key);
    if (attribute == null || attribute.getValues().size() != 1) {
      return null;
    }
    return attribute.getValues().getFirst().toString();
  }

  /**
   * Writes that changed nothing and so were neither stored nor announced.
   *
   * @return the count
   */
  public long noOpWrites() {
    return noOpWrites.sum();
  }

  /**
   * Responses with HTTP 409 Conflict.
   *
   * @return the count
   */
  public long conflicts() {
    return conflicts.sum();
  }

  /**
   * The nanoTime of the last request that changed something.
   *
   * @return the stamp, or 0 if none yet
   */
  public long lastWriteNanos() {
    return lastWrite.get();
  }

  /**
   * When each Service's ingress was first published, by {@code namespace/name}; live view.
   *
   * @return nanoTime stamps
   */
  public Map<String, Long> ingressPublished() {
    return published;
  }
}
