package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fairlead.sim.Simulator;
import dev.fairlead.sim.http.QueryString;
import dev.fairlead.sim.http.RecordedRequest;
import dev.fairlead.sim.http.RequestRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stateful simulator of the Compute Engine v1 API subset that load balancing uses, over HTTP JSON
 * at {@code <endpoint>/compute/v1/}: instances, addresses, forwardingRules, targetPools,
 * httpHealthChecks, healthChecks, regionBackendServices, instanceGroups, firewalls, networks and
 * subnetworks (read-only {@code default}), global/region/zone operations ({@code get} and {@code
 * wait}), project, region and zone resources, list filters, pages and aggregated lists. Faithful
 * where controllers break: immutable resources, {@code resourceInUseByAnotherResource},
 * {@code alreadyExists}, {@code notFound}, invalid fields, quotas, operations that take time and
 * can fail. Any project id works; each gets a {@code default} network.
 *
 * <p>{@code GET /sim/recorder} lists every request answered (one JSON object a line), {@code POST
 * /sim/recorder/reset} clears it. Links in answers are built on the URL the client used, so
 * {@code gcloud} with an endpoint override follows them back here.
 */
public final class GcpSimulator implements Simulator {
  private static final System.Logger LOG = System.getLogger(GcpSimulator.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/compute/v1/";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final RequestRecorder recorder = new RequestRecorder();
  private final ComputeStore store = new ComputeStore();
  private final OperationEngine operations;
  private final Quotas quotas = new Quotas();
  private final ComputeApi api;

  private GcpSimulator(HttpServer server, Topology topology, Clock clock) {
    this.server = server;
    this.operations = new OperationEngine(store, clock);
    this.api = new ComputeApi(store, operations, topology, quotas, clock);
  }

  /**
   * Starts a simulator with the standard regions (us-central1, europe-west1).
   *
   * @param host the address to bind, such as 127.0.0.1
   * @param port the port, 0 for any free one
   * @return the running simulator
   * @throws IOException if the port cannot be opened
   */
  public static GcpSimulator start(String host, int port) throws IOException {
    return start(host, port, Topology.standard());
  }

  /**
   * Starts a simulator.
   *
   * @param host the address to bind
   * @param port the port, 0 for any
   * @param topology the regions and zones
   * @return the running simulator
   * @throws IOException if the port cannot be opened
   */
  public static GcpSimulator start(String host, int port, Topology topology) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    GcpSimulator sim = new GcpSimulator(server, topology, Clock.systemUTC());
    server.setExecutor(sim.executor);
    server.createContext("/", sim::handle);
    server.start();
    return sim;
  }

  @Override
  public URI endpoint() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
  }

  /**
   * The base URL clients use for Compute, such as {@code http://127.0.0.1:8085/compute/v1/}, the
   * value of {@code CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE}.
   *
   * @return the URL, ending in a slash
   */
  public String computeUrl() {
    return endpoint() + PREFIX;
  }

  @Override
  public List<String> usage() {
    return List.of(
        "Point gcloud at it (a throw-away config directory, no login needed):",
        "  export CLOUDSDK_CONFIG=$(mktemp -d) CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE=" + computeUrl(),
        "  export CLOUDSDK_AUTH_ACCESS_TOKEN=fake CLOUDSDK_CORE_PROJECT=sim-project CLOUDSDK_CORE_CHECK_GCE_METADATA=false",
        "  gcloud compute forwarding-rules list",
        "The Java client: ForwardingRulesSettings.newBuilder().setEndpoint(\"" + endpoint()
            + "\").setCredentialsProvider(NoCredentialsProvider.create())");
  }

  /**
   * How long every operation takes from now on (0, the default: done in the answer itself).
   *
   * @param delay the delay
   */
  public void operationDelay(Duration delay) {
    operations.delay(delay);
  }

  /**
   * How long {@code operations/x/wait} blocks at most (the real API: about 2 minutes).
   *
   * @param limit the limit
   */
  public void maxWait(Duration limit) {
    operations.maxWait(limit);
  }

  /**
   * Makes the next {@code times} operations of a type on matching targets fail, changing nothing.
   *
   * @param operationType such as {@code insert}, {@code delete}, {@code addInstance}; {@code *} for any
   * @param targetContains a text the operation's target link contains, such as {@code /targetPools/}
   * @param error the error, from {@link ComputeError}'s factories
   * @param times how many operations
   */
  public void failOperations(String operationType, String targetContains, ComputeError error, int times) {
    operations.failNext(op -> (operationType.equals("*") || op.path("operationType").asText().equals(operationType))
        && op.path("targetLink").asText().contains(targetContains), error, times);
  }

  /**
   * Sets a quota, such as {@code FORWARDING_RULES} (per region) or {@code FIREWALLS} (per project).
   *
   * @param metric the metric
   * @param limit the limit
   */
  public void quota(String metric, int limit) {
    quotas.set(metric, limit);
  }

  /** Clears injected failures and quotas (the resources stay). */
  public void clearFaults() {
    operations.reset();
    quotas.clear();
  }

  /**
   * The recorder of every request answered.
   *
   * @return the recorder
   */
  public RequestRecorder recorder() {
    return recorder;
  }

  /**
   * The canonical paths of every resource of a collection, for tests ({@code forwardingRules},
   * {@code firewalls}, ...), across projects and scopes.
   *
   * @param collection the collection name
   * @return paths such as {@code projects/p/regions/r/forwardingRules/x}, sorted
   */
  public List<String> resources(String collection) {
    return store.locked(s -> s.allPaths().stream()
        .filter(p -> ResourcePath.parseResource(p).map(r -> r.collection().equals(collection)).orElse(false))
        .toList());
  }

  /**
   * One resource as JSON, for tests.
   *
   * @param path its canonical path
   * @return the resource, or null
   */
  public JsonNode resource(String path) {
    return store.locked(s -> s.get(path).map(r -> (JsonNode) r.deepCopy()).orElse(null));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (recorder.serve(exchange)) {
        return;
      }
      // Clients whose HTTP stack lacks PATCH (google-http-client) tunnel it through POST, as the API allows.
      String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      String method = override != null && exchange.getRequestMethod().equals("POST")
          ? override.toUpperCase(java.util.Locale.ROOT) : exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      int status;
      JsonNode body;
      try {
        if (!path.startsWith(PREFIX)) {
          throw ComputeError.notFound(path);
        }
        List<String> segments = Arrays.stream(path.substring(PREFIX.length()).split("/"))
            .filter(s -> !s.isEmpty()).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
        ComputeApi.Answer answer = api.handle(method, segments, QueryString.parse(exchange.getRequestURI().getRawQuery()), requestBody(exchange));
        status = answer.status();
        body = answer.body();
      } catch (ComputeError e) {
        status = e.status();
        body = e.body();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "GCP simulator failed on " + method + " " + path, e);
        status = 500;
        body = ComputeError.internal().body();
      }
      recorder.record(new RecordedRequest(method, path, status, exchange.getRequestHeaders().getFirst("User-Agent")));
      String host = exchange.getRequestHeaders().getFirst("Host");
      String base = "http://" + (host == null ? endpoint().getAuthority() : host) + PREFIX;
      byte[] bytes = render(body, base).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String render(JsonNode body, String base) throws JsonProcessingException {
    if (body instanceof ObjectNode object) {
      strip(object);
    }
    return JSON.writeValueAsString(body).replace(ResourcePath.LINK_BASE, base);
  }

  /** Drops the simulator's own bookkeeping fields ({@code _members}) from an answer. */
  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(InstanceGroups.MEMBERS);
      object.forEach(GcpSimulator::strip);
    } else if (node.isArray()) {
      node.forEach(GcpSimulator::strip);
    }
  }

  private static ObjectNode requestBody(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readAllBytes();
    }
    if (bytes.length == 0) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (!(node instanceof ObjectNode object)) {
        throw ComputeError.badRequest("The request body must be a JSON object");
      }
      return object;
    } catch (JsonProcessingException e) {
      throw ComputeError.badRequest("Invalid JSON payload received. " + e.getOriginalMessage());
    }
  }


  @Override
  public void close() {
    server.stop(0);
    operations.close();
    executor.shutdownNow();
  }
}
