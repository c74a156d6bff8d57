package dev.fairlead.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric8 CRUD mock API server (7.8.0), with changes that keep it from dominating or distorting
 * what the benchmarks measure:
 *
 * <ul>
 *   <li><b>An index</b> by (resource, namespace, name): the stock dispatcher scans every stored
 *       object on each GET, PATCH and POST of a single object (about 2 µs per object on this machine,
 *       so 4 ms per request at 2,000 objects). Lists and watches still use the stock code.
 *   <li><b>JSON merge patches follow RFC 7386</b>: arrays are replaced. The stock mock merges with
 *       Jackson's {@code readerForUpdating}, which appends array elements, so a second, identical
 *       status PATCH publishes the ingress twice, the controller sees a status that is not its own
 *       and patches again, and the Service loops.
 *   <li><b>No-op writes are dropped</b>, as a real API server drops them: a PATCH that changes
 *       nothing but the resourceVersion is neither stored nor sent to watches (the stock mock bumps
 *       the resourceVersion and emits a MODIFIED event, turning every redundant write into another
 *       watch event and reconcile). They are counted.
 *   <li><b>A watch from a resourceVersion starts there</b>: the stock mock replays every stored
 *       object as ADDED whenever a watch opens, so an informer would receive its whole list twice.
 *   <li><b>Events are acknowledged, not stored</b>: they would grow the store by two per Service and
 *       nothing reads them back.
 *   <li><b>Counters</b> of every request by verb and resource (and {@code /status}), the time each
 *       Service's {@code status.loadBalancer.ingress} was first published, and HTTP 409s.
 * </ul>
 *
 * <p>Objects can be preloaded straight into the store ({@link #preload}), which is what a cluster
 * that already holds them looks like to a starting controller, without paying an HTTP round trip
 * for each.
 */
public final class MockApi implements AutoCloseable {
  // The mock web server logs every request at INFO through java.util.logging; keep a strong
  // reference so the level sticks.
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final IndexedDispatcher dispatcher = new IndexedDispatcher();
  private final KubernetesMockServer server;

  /** Starts a server on a free loopback port. */
  public MockApi() {
    this(0);
  }

  /**
   * Starts a server on loopback.
   *
   * @param port the port, 0 for a free one
   */
  public MockApi(int port) {
    server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
            dispatcher, false);
    dispatcher.control = this::control;
    try {
      server.init(InetAddress.getLoopbackAddress(), port);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the mock API server: " + e.getMessage(), e);
    }
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getPort();
  }

  /**
   * A new client for this server.
   *
   * @return the client; the caller closes it
   */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /**
   * Stores an object directly, as if it had been created earlier: sets a fresh resourceVersion
   * (and a creationTimestamp and uid if missing) and notifies open watches.
   *
   * @param object the object, with apiVersion, kind, name and, if namespaced, namespace
   * @param plural the resource, such as {@code services}
   */
  public void preload(HasMetadata object, String plural) {
    dispatcher.preload(object, plural);
  }

  /**
   * Requests seen so far, by {@code "VERB resource[/status]"}, such as {@code PATCH services/status}.
   *
   * @return a sorted snapshot
   */
  public Map<String, Long> requests() {
    return dispatcher.requestCounts();
  }

  /**
   * Requests seen so far that change something (POST, PUT, PATCH, DELETE), events included.
   *
   * @return the count
   */
  public long writes() {
    return dispatcher.requestCounts().entrySet().stream()
        .filter(e -> !e.getKey().startsWith("GET "))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * Writes that changed nothing (so, as on a real API server, were neither stored nor announced to
   * watches), such as a status PATCH with the status already there.
   *
   * @return the count
   */
  public long noOpWrites() {
    return dispatcher.noOpWrites.sum();
  }

  /**
   * Responses with HTTP 409 Conflict.
   *
   * @return the count
   */
  public long conflicts() {
    return dispatcher.conflicts.sum();
  }

  /**
   * When each Service's load-balancer ingress was first published, by {@code namespace/name}.
   *
   * @return nanoTime stamps
   */
  public Map<String, Long> ingressPublished() {
    return Map.copyOf(dispatcher.published);
  }

  /**
   * How many Services have had their ingress published.
   *
   * @return the count
   */
  public int ingressPublishedCount() {
    return dispatcher.published.size();
  }

  /**
   * The nanoTime of the last request that changed something.
   *
   * @return the stamp, or 0 if none yet
   */
  public long lastWriteNanos() {
    return dispatcher.lastWrite.get();
  }

  /** A burst of Services created by {@link #burst}. */
  private record Burst(long startNanos, List<String> keys, long createNanos) {}

  private volatile Burst lastBurst;
  private volatile long markNanos;

  /**
   * Removes every Service and every watch (call it while no controller runs) and forgets which
   * Services were published, so a warm server can hold a fresh burst.
   */
  public void resetServices() {
    dispatcher.removeAll("services");
    dispatcher.published.clear();
    lastBurst = null;
    markNanos = 0;
  }

  /** Remembers now; {@link #stats()} reports {@code markOffsetNanos} from the last burst's start. */
  public void mark() {
    markNanos = System.nanoTime();
  }

  /**
   * How many Services of the last burst have their ingress published, and whether anything was
   * written in the last second; cheap to serve.
   *
   * @return {@code burstPublished}, {@code burstCreated}, {@code nanosSinceLastWrite}
   */
  public Map<String, Object> progress() {
    Map<String, Object> progress = new LinkedHashMap<>();
    Burst burst = lastBurst;
    int count = 0;
    if (burst != null) {
      for (String key : burst.keys()) {
        if (dispatcher.published.containsKey(key)) {
          count++;
        }
      }
    }
    progress.put("burstPublished", count);
    progress.put("burstCreated", burst != null && burst.createNanos() >= 0);
    long last = lastWriteNanos();
    progress.put("nanosSinceLastWrite", last == 0 ? Long.MAX_VALUE : System.nanoTime() - last);
    return progress;
  }

  /**
   * Creates Services {@code first .. first+count-1} at once, on a new thread: each goes straight
   * into the store and raises a watch event. Returns at once; {@link #stats()} reports progress.
   *
   * @param first the first index
   * @param count how many
   * @param namespaces spread over this many namespaces
   * @param loadBalancerClass their {@code spec.loadBalancerClass}, or null
   * @throws InterruptedException if interrupted while starting
   */
  public void burst(int first, int count, int namespaces, String loadBalancerClass)
      throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    Thread.ofPlatform().name("burst").daemon().start(() -> {
      List<String> keys = new ArrayList<>(count);
      for (int i = first; i < first + count; i++) {
        keys.add(Fixtures.key(i, namespaces));
      }
      long t0 = System.nanoTime();
      lastBurst = new Burst(t0, keys, -1);
      started.countDown();
      for (int i = first; i < first + count; i++) {
        preload(Fixtures.service(i, namespaces, false, loadBalancerClass), "services");
      }
      lastBurst = new Burst(t0, keys, System.nanoTime() - t0);
    });
    started.await();
  }

  /**
   * Progress and counters, as served on {@code GET /bench/stats}: {@code published}, {@code
   * requests}, {@code conflicts}, {@code nanosSinceLastWrite}, and for the last burst {@code
   * burstCount}, {@code burstCreateNanos} (-1 while creating) and {@code burstOffsets}: for each
   * published Service of the burst, nanoseconds from the burst's start to its status PATCH, sorted.
   *
   * @return the stats
   */
  public Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("published", ingressPublishedCount());
    stats.put("requests", requests());
    stats.put("conflicts", conflicts());
    stats.put("noOpWrites", dispatcher.noOpWrites.sum());
    long last = lastWriteNanos();
    stats.put("nanosSinceLastWrite", last == 0 ? Long.MAX_VALUE : System.nanoTime() - last);
    Burst burst = lastBurst;
    if (burst != null) {
      List<Long> offsets = new ArrayList<>();
      for (String key : burst.keys()) {
        Long at = dispatcher.published.get(key);
        if (at != null) {
          offsets.add(at - burst.startNanos());
        }
      }
      offsets.sort(null);
      stats.put("burstCount", burst.keys().size());
      stats.put("burstCreateNanos", burst.createNanos());
      stats.put("burstOffsets", offsets);
      stats.put("markOffsetNanos", markNanos == 0 ? -1 : markNanos - burst.startNanos());
    }
    return stats;
  }

  private MockResponse control(RecordedRequest request) {
    String path = request.getPath();
    try {
      if (path.startsWith("/bench/stats")) {
        return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(stats()));
      }
      if (path.startsWith("/bench/progress")) {
        return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(progress()));
      }
      if (path.startsWith("/bench/reset")) {
        resetServices();
        return new MockResponse().setResponseCode(200).setBody("{}");
      }
      if (path.startsWith("/bench/mark")) {
        mark();
        return new MockResponse().setResponseCode(200).setBody("{}");
      }
      if (path.startsWith("/bench/burst?")) {
        Map<String, String> query = new HashMap<>();
        for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
          String[] kv = pair.split("=", 2);
          query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        burst(Integer.parseInt(query.get("first")), Integer.parseInt(query.get("count")),
            Integer.parseInt(query.get("namespaces")), query.get("class"));
        return new MockResponse().setResponseCode(202).setBody("{}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new MockResponse().setResponseCode(500).setBody("{\"error\":\"interrupted\"}");
    }
    return new MockResponse().setResponseCode(404).setBody("{}");
  }

  @Override
  public void close() {
    try {
      server.destroy();
    } catch (RuntimeException e) {
      // A watch connection that does not close in time must not fail the benchmark.
      System.err.println("mock API server did not shut down cleanly: " + e);
    }
  }

  /** The stock CRUD dispatcher plus an index, event acknowledgement and counters. */
  static final class IndexedDispatcher extends KubernetesCrudDispatcher {
    private final Map<String, AttributeSet> index = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();
    private final Map<String, Long> published = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON =
        new ObjectMapper();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder noOpWrites = new LongAdder();
    private final AtomicLong lastWrite = new AtomicLong();
    private final AtomicLong eventNames = new AtomicLong();

    private volatile Function<RecordedRequest, MockResponse> control;

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String method = request.getMethod();
      String path = request.getPath();
      if (path.startsWith("/bench/") && control != null) {
        return control.apply(request);
      }
      String category = category(method, path);
      counts.computeIfAbsent(category, c -> new LongAdder()).increment();
      if (!"GET".equals(method)) {
        lastWrite.set(System.nanoTime());
      }
      if (category.endsWith(" events")) {
        return acknowledgeEvent(request);
      }
      String body = "GET".equals(method) ? null : body(request); // dispatching consumes the body
      MockResponse response = super.dispatch(request);
      if (response.code() == 409) {
        conflicts.increment();
      }
      if (Boolean.getBoolean("mockapi.debug") && (!"GET".equals(method) || path.contains("watch=true"))) {
        System.err.println("mockapi: " + method + " " + path + " -> " + response.code() + " " + body);
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

    /** The request body, without consuming it (getUtf8Body empties the buffer). */
    private static String body(RecordedRequest request) {
      return request.getBody() == null
          ? null
          : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    static String category(String method, String path) {
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

    Map<String, Long> requestCounts() {
      Map<String, Long> snapshot = new TreeMap<>();
      counts.forEach((k, v) -> snapshot.put(k, v.sum()));
      return snapshot;
    }

    /**
     * Drops every watch and every object of a resource, quietly: meant for between rounds, when no
     * client should be watching. (A watch whose client went away without a close handshake stays
     * registered in the stock mock, and a write to it blocks the server's event loop for 30 s.)
     */
    void removeAll(String plural) {
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

    void preload(HasMetadata object, String plural) {
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
      if (oldAttributes != null && newState != null && unchanged(map.get(oldAttributes), newState)) {
        // As a real API server: a write that changes nothing is not stored and raises no watch event.
        noOpWrites.increment();
        if (Boolean.getBoolean("mockapi.debug")) {
          System.err.println("mockapi: no-op write to " + path);
        }
        return;
      }
      if (Boolean.getBoolean("mockapi.debug") && oldAttributes != null) {
        System.err.println("mockapi: change " + path + "\n  before " + map.get(oldAttributes) + "\n  after  " + newState);
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

    /** RFC 7386 JSON merge patch: objects merge, null removes, everything else (arrays too) replaces. */
    @Override
    public JsonNode merge(JsonNode current, String patch)
        throws KubernetesCrudDispatcherException {
      try {
        return mergePatch(current.deepCopy(), JSON.readTree(patch));
      } catch (IOException e) {
        throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
      }
    }

    static JsonNode mergePatch(
        JsonNode target, JsonNode patch) {
      if (!patch.isObject()) {
        return patch;
      }
      ObjectNode result =
          target instanceof ObjectNode object ? object : JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> field : patch.properties()) {
        if (field.getValue().isNull()) {
          result.remove(field.getKey());
        } else {
          result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
        }
      }
      return result;
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
  }
}
