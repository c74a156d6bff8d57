package dev.fairlead.sandbox;

import dev.fairlead.sandbox.api.ApiRequest;
import dev.fairlead.sandbox.api.ApiShim;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes API server good enough for kubectl and fabric8 clients: fabric8's CRUD mock server
 * behind {@link ApiShim}, on a Vert.x HTTP server that also streams HTTP watches ({@code kubectl get
 * -w}, {@code kubectl delete}'s wait), which the mock server only offers over WebSockets.
 *
 * <p>Reusable from tests: {@code try (var api = SandboxApiServer.start("127.0.0.1", 0)) { ... }},
 * then {@link #writeKubeconfig(Path)} and run kubectl against it.
 */
public final class SandboxApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxApiServer.class);

  private final Vertx vertx;
  private final HttpServer server;
  private final ApiShim shim;
  private final String host;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SandboxApiServer(Vertx vertx, HttpServer server, ApiShim shim, String host, int port) {
    this.vertx = vertx;
    this.server = server;
    this.shim = shim;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts a server with the usual namespaces ({@code default}, {@code kube-system},
   * {@code kube-public}, {@code kube-node-lease}) and the {@code kubernetes} Service.
   *
   * @param host the address to listen on, e.g. 127.0.0.1
   * @param port the port, 0 for any free one
   * @return the running server
   * @throws PortInUseException if the port is taken
   */
  public static SandboxApiServer start(String host, int port) {
    randomizeUids();
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    Vertx vertx = Vertx.vertx();
    String[] address = new String[1];
    ApiShim shim = new ApiShim(crud, () -> address[0], Clock.systemUTC());
    HttpServerRequestHandler plain = new HttpServerRequestHandler(vertx) {
      @Override
      protected MockResponse onHttpRequest(RecordedRequest request) {
        return shim.dispatch(request);
      }
    };
    HttpServer server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(host).setPort(port)
        .setWebSocketSubProtocols(List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
            "channel.k8s.io"))
        .setHandle100ContinueAutomatically(true));
    server.requestHandler(request -> {
      if (isHttpWatch(request)) {
        streamWatch(vertx, shim, request);
      } else {
        plain.handle(request);
      }
    });
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      vertx.close();
      Throwable cause = e.getCause();
      if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
        throw new PortInUseException(host, port);
      }
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IllegalStateException("interrupted while starting the API server", e);
    } catch (TimeoutException e) {
      vertx.close();
      throw new IllegalStateException("the API server did not start within 30 s", e);
    }
    int actual = server.actualPort();
    address[0] = hostForUrl(host) + ":" + actual;
    SandboxApiServer api = new SandboxApiServer(vertx, server, shim, host, actual);
    api.seed();
    shim.clearCalls();
    return api;
  }

  /**
   * The base URL, e.g. {@code http://127.0.0.1:6443}.
   *
   * @return the URL
   */
  public String url() {
    // A wildcard listen address is not one clients can dial: point them at loopback.
    String reachable = switch (host) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "[::]" -> "::1";
      default -> host;
    };
    return "http://" + hostForUrl(reachable) + ":" + port;
  }

  /**
   * The port listened on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * A new fabric8 client for this server (close it when done).
   *
   * @return the client
   */
  public KubernetesClient newClient() {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("default")
        .withTrustCerts(true).withRequestTimeout(30_000).withConnectionTimeout(10_000).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * The kubeconfig text for this server (cluster, user and context named {@code fairlead-sandbox}).
   *
   * @return the YAML
   */
  public String kubeconfig() {
    return Kubeconfig.text(url());
  }

  /**
   * Writes the kubeconfig (owner-only permissions where supported), creating parent directories.
   *
   * @param file where
   * @return the file
   */
  public Path writeKubeconfig(Path file) {
    try {
      Path absolute = file.toAbsolutePath();
      if (absolute.getParent() != null) {
        Files.createDirectories(absolute.getParent());
      }
      Files.writeString(absolute, kubeconfig());
      try {
        Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      return absolute;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every resource request served so far (RBAC verb, group, resource, subresource, namespace, name,
   * User-Agent), oldest first: what a component used, for checking its RBAC rules.
   *
   * @return a snapshot
   */
  public List<dev.fairlead.sandbox.api.ApiCall> calls() {
    return shim.calls();
  }

  /** Forgets the recorded requests (e.g. after seeding). */
  public void clearCalls() {
    shim.clearCalls();
  }

  /**
   * The shim (for tests).
   *
   * @return the shim
   */
  public ApiShim shim() {
    return shim;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("Closing the API server: {}", e.toString());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("Closing Vert.x: {}", e.toString());
    }
  }

  /**
   * The mock server gives each created object the UID {@code UUID(0, n)} from a counter that
   * starts at 1 in every process (fabric8's {@code Utils.generateId}), so two sandbox runs would
   * hand out the same UIDs, and the names and tags a cloud provider derives from them would collide
   * in a long-lived emulator. Starting the counter at a random value makes every run's UIDs its own.
   * If a fabric8 version no longer has that counter, UIDs stay as they are and a warning says so.
   */
  private static void randomizeUids() {
    synchronized (UID_COUNTER_LOCK) {
      try {
        java.lang.reflect.Field field = io.fabric8.kubernetes.client.utils.Utils.class.getDeclaredField("leastSigBits");
        field.setAccessible(true);
        java.util.concurrent.atomic.AtomicLong counter = (java.util.concurrent.atomic.AtomicLong) field.get(null);
        if (counter.get() < RANDOM_FLOOR) {
          counter.set(RANDOM_FLOOR + java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 60));
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("Cannot make object UIDs unique across sandbox runs ({}); they repeat in every run", e.toString());
      }
    }
  }

  private static final Object UID_COUNTER_LOCK = new Object();
  /** Below this the counter is the mock server's own, from 1. */
  private static final long RANDOM_FLOOR = 1L << 40;

  private void seed() {
    for (String namespace : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
          + namespace + "\"},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");
    }
    post("/api/v1/namespaces/default/services", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":"
        + "{\"name\":\"kubernetes\",\"labels\":{\"component\":\"apiserver\",\"provider\":\"kubernetes\"}},"
        + "\"spec\":{\"type\":\"ClusterIP\",\"ports\":[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\","
        + "\"targetPort\":6443}]}}");
  }

  /**
   * Creates an object through the shim, as a client would.
   *
   * @param collectionPath e.g. {@code /api/v1/namespaces/default/services}
   * @param json the object
   * @return the response body
   * @throws IllegalStateException if the API rejects it
   */
  public String post(String collectionPath, String json) {
    MockResponse response = shim.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collectionPath,
        Headers.builder().add("Content-Type", "application/json").build(),
        new io.fabric8.mockwebserver.http.Buffer(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    String body = response.getBody() == null ? "" : new String(response.getBody().getBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    if (response.code() >= 300) {
      throw new IllegalStateException("POST " + collectionPath + " failed with " + response.code() + ": " + body);
    }
    return body;
  }

  private static boolean isHttpWatch(HttpServerRequest request) {
    String watch = request.getParam("watch");
    boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    return request.method() == io.vertx.core.http.HttpMethod.GET && !upgrade
        && ("true".equals(watch) || "1".equals(watch));
  }

  /** Streams a watch as newline-delimited JSON events over chunked HTTP, as the API server does. */
  private static void streamWatch(Vertx vertx, ApiShim shim, HttpServerRequest request) {
    ApiRequest parsed = ApiRequest.parse(request.uri());
    HttpServerResponse response = request.response();
    Optional<ApiRequest.Target> target = parsed.resolve(shim.catalog());
    if (target.isEmpty()) {
      response.setStatusCode(404).putHeader("Content-Type", "application/json")
          .end("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
              + "\"message\":\"the server could not find the requested resource\",\"code\":404}");
      return;
    }
    ApiRequest.Target t = target.get();
    shim.recordWatch(parsed, t, request.getHeader("User-Agent"));
    boolean table = ApiShim.wantsTable(request.getHeader("Accept"));
    String crudPath = t.collectionPath() + "?watch=true"; // selectors are applied by the shim
    ApiShim.WatchStart started = shim.openWatch(t, parsed, crudPath, table);
    MockResponse upgrade = started.upgrade();
    WebSocketListener listener = upgrade.getWebSocketListener();
    if (listener == null) {
      response.setStatusCode(500).end();
      return;
    }
    response.setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-cache, private");
    AtomicBoolean ended = new AtomicBoolean();
    RecordedRequest recorded = new RecordedRequest("HTTP/1.1", HttpMethod.GET, crudPath, Headers.builder().build(),
        new io.fabric8.mockwebserver.http.Buffer());
    WebSocket sink = new WebSocket() {
      @Override
      public RecordedRequest request() {
        return recorded;
      }

      @Override
      public boolean send(String text) {
        if (ended.get()) {
          return false;
        }
        try {
          Optional<String> line = shim.watchEvent(t, parsed, table, text);
          line.ifPresent(l -> response.write(l + "\n"));
          return true;
        } catch (RuntimeException e) {
          LOG.debug("Dropping watch event: {}", e.toString());
          return false;
        }
      }

      @Override
      public boolean send(byte[] bytes) {
        return send(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public boolean close(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
          vertx.runOnContext(v -> {
            try {
              response.end();
            } catch (IllegalStateException e) {
              // already closed by the client
            }
          });
        }
        return true;
      }
    };
    // Unregisters the listener, stops its executor and ends the response (blocking: run off the loop).
    Runnable stop = () -> listener.onClosed(sink, 1000, "watch ended");
    response.closeHandler(v -> vertx.executeBlocking(() -> {
      ended.set(true);
      stop.run();
      return null;
    }, false));
    long timeout = parseTimeout(parsed.query().get("timeoutSeconds"));
    if (timeout > 0) {
      vertx.setTimer(TimeUnit.SECONDS.toMillis(timeout), id -> vertx.executeBlocking(() -> {
        stop.run();
        return null;
      }, false));
    }
    response.writeHead();
    started.replay().forEach(line -> response.write(line + "\n"));
    listener.onOpen(sink, upgrade);
  }

  private static long parseTimeout(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** The port is taken. */
  public static final class PortInUseException extends RuntimeException {
    @java.io.Serial private static final long serialVersionUID = 1L;

    PortInUseException(String host, int port) {
      super(hostForUrl(host) + ":" + port + " is already in use");
    }
  }
}
