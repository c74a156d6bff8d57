package dev.fairlead.sim.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 proxy on loopback that forwards every request to one backend (an emulator) and
 * injects faults on the way: answers the backend never sees (throttling, 5xx), latency, and lost
 * responses, where the backend applied the request but the client gets no answer. Generic: rules
 * match on method, path, headers and body, and canned answers are built per request, so the AWS,
 * GCP and Azure simulators reuse it with their own error formats.
 *
 * <p>With a TLS context ({@link #start(URI, long, SSLContext)}) the proxy listens on HTTPS with
 * that context's certificate and trusts it when it forwards to an HTTPS backend, so a client that
 * insists on HTTPS (Azure bearer tokens) talks to it exactly as to the backend. Forwarded requests
 * carry {@code X-Forwarded-Host} and {@code X-Forwarded-Proto}, so a backend that returns absolute
 * URLs (ARM's long-running-operation links) can point them at the proxy.
 *
 * <p>Thread-safe; rules may be added and cleared while requests flow.
 */
public final class FaultProxy implements AutoCloseable {
  // Headers the JDK client sets itself or refuses; everything else is copied both ways.
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "host",
          "content-length",
          "connection",
          "expect",
          "upgrade",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "proxy-connection");

  private final URI backend;
  private final HttpServer server;
  private final String scheme;
  private final HttpClient client;
  private final ExecutorService executor;
  private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
  private final SplittableRandom random;
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong injected = new AtomicLong();

  private FaultProxy(URI backend, long seed, SSLContext tls) throws IOException {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.random = new SplittableRandom(seed);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    HttpClient.Builder clientBuilder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(executor);
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      this.server = HttpServer.create(loopback, 64);
      this.scheme = "http";
    } else {
      clientBuilder.sslContext(tls);
      HttpsServer https = HttpsServer.create(loopback, 64);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      this.server = https;
      this.scheme = "https";
    }
    this.client = clientBuilder.build();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a proxy on a free loopback port.
   *
   * @param backend the base URI requests are forwarded to, such as {@code http://127.0.0.1:5000}
   * @param seed seeds the random source of probabilistic rules, so a failing run can be repeated
   * @return the running proxy
   * @throws IOException if the port cannot be opened
   */
  public static FaultProxy start(URI backend, long seed) throws IOException {
    return new FaultProxy(backend, seed, null);
  }

  /**
   * Starts a proxy on a free loopback port that listens on HTTPS.
   *
   * @param backend the base URI requests are forwarded to, such as {@code https://127.0.0.1:8443}
   * @param seed seeds the random source of probabilistic rules
   * @param tls the certificate to serve, also trusted when forwarding to an HTTPS backend
   * @return the running proxy
   * @throws IOException if the port cannot be opened
   */
  public static FaultProxy start(URI backend, long seed, SSLContext tls) throws IOException {
    return new FaultProxy(backend, seed, Objects.requireNonNull(tls, "tls"));
  }

  /**
   * Where clients connect instead of the backend.
   *
   * @return the proxy's base URI
   */
  public URI uri() {
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Adds a rule; the first matching rule that fires decides a request's fate.
   *
   * @param rule the rule
   * @return the rule, to read {@link FaultRule#fired()} later
   */
  public FaultRule add(FaultRule rule) {
    rules.add(Objects.requireNonNull(rule, "rule"));
    return rule;
  }

  /**
   * Simulates the client process dying mid-way: after {@code calls} more requests that {@code
   * counted} matches, the next matching request is applied but its answer lost, and every request
   * after it (matching or not) gets {@code dead}. Crash-restart tests call it once per step.
   *
   * @param calls how many counted requests still get through
   * @param counted which requests count (start-up reads are usually left out)
   * @param dead what every request after the crash gets, such as a non-retryable error
   */
  public void crashAfter(int calls, java.util.function.Predicate<ProxiedRequest> counted, Fault dead) {
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    add(FaultRule.randomly("crash", r -> counted.test(r) && seen.incrementAndGet() == calls + 1,
        new Fault.LoseResponse(), 1.0));
    add(FaultRule.randomly("dead", r -> seen.get() > calls, dead, 1.0));
  }

  /** Removes every rule: from now on requests pass through untouched. */
  public void clear() {
    rules.clear();
  }

  /**
   * Requests that reached the backend (including those whose response was then lost).
   *
   * @return the count
   */
  public long forwarded() {
    return forwarded.get();
  }

  /**
   * Requests that a rule changed.
   *
   * @return the count
   */
  public long injected() {
    return injected.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, List<String>> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      ProxiedRequest request =
          new ProxiedRequest(
              exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body);
      Fault fault = pick(request);
      switch (fault) {
        case null -> respond(exchange, forward(request));
        case Fault.Reject reject -> {
          Fault.CannedResponse canned = reject.response().apply(request);
          byte[] bytes = canned.body().getBytes(StandardCharsets.UTF_8);
          canned.headers().forEach(exchange.getResponseHeaders()::set);
          exchange.getResponseHeaders().set("Content-Type", canned.contentType());
          exchange.sendResponseHeaders(canned.status(), bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        }
        case Fault.Delay delay -> {
          Thread.sleep(delay.delay());
          respond(exchange, forward(request));
        }
        case Fault.LoseResponse lost -> {
          forward(request);
          // No status line: closing the exchange now closes the connection, and the client sees
          // the connection end without an answer although the backend applied the request.
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Fault pick(ProxiedRequest request) {
    for (FaultRule rule : rules) {
      boolean fires;
      synchronized (random) {
        fires = rule.tryFire(request, random);
      }
      if (fires) {
        injected.incrementAndGet();
        return rule.fault();
      }
    }
    return null;
  }

  private HttpResponse<byte[]> forward(ProxiedRequest request)
      throws IOException, InterruptedException {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(backend.resolve(request.path()))
            .timeout(Duration.ofSeconds(60))
            .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name) && !name.startsWith("x-forwarded-")) {
                values.forEach(v -> builder.header(name, v));
              }
            });
    request.header("Host").ifPresent(host -> builder.header("X-Forwarded-Host", host));
    builder.header("X-Forwarded-Proto", scheme);
    HttpResponse<byte[]> response =
        client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    forwarded.incrementAndGet();
    return response;
  }

  private static void respond(HttpExchange exchange, HttpResponse<byte[]> response)
      throws IOException {
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] bytes = response.body();
    exchange.sendResponseHeaders(response.statusCode(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    client.close();
    executor.shutdownNow();
  }
}
