package dev.fairlead.controller.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics} (Prometheus text format), {@code /healthz} (liveness) and {@code /readyz}
 * (readiness), served by the JDK's own HTTP server, so no web framework is needed. Used by the
 * controller and by the bare-metal speaker.
 */
public final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts the endpoints.
   *
   * @param port the port; 0 picks a free one
   * @param registry the metrics to serve
   * @param healthy answers {@code /healthz}
   * @param ready answers {@code /readyz}
   * @return the running endpoints
   * @throws UncheckedIOException naming the port if it cannot be bound
   */
  public static HttpEndpoints start(
      int port, PrometheusRegistry registry, BooleanSupplier healthy, BooleanSupplier ready) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on metrics port " + port + ": " + e.getMessage(), e);
    }
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    server.createContext("/metrics", exchange -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      writer.write(body, registry.scrape());
      respond(exchange, 200, writer.getContentType(), body.toByteArray());
    });
    server.createContext("/healthz", exchange -> probe(exchange, healthy));
    server.createContext("/readyz", exchange -> probe(exchange, ready));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return new HttpEndpoints(server);
  }

  /**
   * The port listened on.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
    boolean ok = check.getAsBoolean();
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8",
        (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
