package dev.fairlead.benchmarks;

import dev.fairlead.kube.fake.FaithfulCrudDispatcher;
import dev.fairlead.kube.fake.FakeApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmarks' API server: the project's one fake ({@link FakeApiServer}, whose dispatcher is
 * faithful where a controller notices), run without storing events, plus a control API at {@code
 * /bench/} for a benchmark driving it in another JVM (bursts of Services, progress, stats). The
 * fake's changes to fabric8's mock are what keep it from dominating or distorting what the
 * benchmarks measure:
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
  private final FakeApiServer server;
  private final FaithfulCrudDispatcher dispatcher;

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
    server = FakeApiServer.start(port, false);
    dispatcher = server.crud();
    dispatcher.control("/bench/", this::control);
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * A new client for this server.
   *
   * @return the client; the caller closes it
   */
  public KubernetesClient newClient() {
    return server.newClient();
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
    return dispatcher.noOpWrites();
  }

  /**
   * Responses with HTTP 409 Conflict.
   *
   * @return the count
   */
  public long conflicts() {
    return dispatcher.conflicts();
  }

  /**
   * When each Service's load-balancer ingress was first published, by {@code namespace/name}.
   *
   * @return nanoTime stamps
   */
  public Map<String, Long> ingressPublished() {
    return Map.copyOf(dispatcher.ingressPublished());
  }

  /**
   * How many Services have had their ingress published.
   *
   * @return the count
   */
  public int ingressPublishedCount() {
    return dispatcher.ingressPublished().size();
  }

  /**
   * The nanoTime of the last request that changed something.
   *
   * @return the stamp, or 0 if none yet
   */
  public long lastWriteNanos() {
    return dispatcher.lastWriteNanos();
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
    dispatcher.ingressPublished().clear();
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
        if (dispatcher.ingressPublished().containsKey(key)) {
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
    stats.put("noOpWrites", dispatcher.noOpWrites());
    long last = lastWriteNanos();
    stats.put("nanosSinceLastWrite", last == 0 ? Long.MAX_VALUE : System.nanoTime() - last);
    Burst burst = lastBurst;
    if (burst != null) {
      List<Long> offsets = new ArrayList<>();
      for (String key : burst.keys()) {
        Long at = dispatcher.ingressPublished().get(key);
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
    server.close();
  }
}
