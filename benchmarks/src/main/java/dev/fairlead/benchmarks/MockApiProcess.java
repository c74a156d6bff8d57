package dev.fairlead.benchmarks;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MockApiMain} in a child JVM, started with this JVM's {@code java} and class path, so the
 * API server's CPU and heap stay out of the controller's. Always {@link #close()} it: that ends the
 * child by its PID.
 */
final class MockApiProcess implements AutoCloseable {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final Process process;
  private final BufferedReader out;
  private final int port;
  private final String ready;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MockApiProcess(Process process, Duration timeout, Path log) throws IOException, InterruptedException {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    try {
      this.port = Integer.parseInt(awaitLine("PORT ", timeout, log).substring(5).strip());
      this.ready = awaitLine("READY", timeout, log);
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Starts the child and waits until it has preloaded everything.
   *
   * @param name names the log file, {@code target/reports/<name>-mock-api.log}
   * @param args arguments for {@link MockApiMain}
   * @return the running child
   * @throws IOException if it cannot be started
   * @throws InterruptedException if interrupted while waiting
   */
  static MockApiProcess start(String name, String... args) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+UseSerialGC"));
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      command.add("-Dlogback.configurationFile=" + logback);
    }
    command.addAll(List.of("-cp", BenchmarkRunner.classPath(), MockApiMain.class.getName()));
    command.addAll(List.of(args));
    Files.createDirectories(Report.directory());
    Path log = Report.directory().resolve(name + "-mock-api.log");
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    return new MockApiProcess(process, Duration.ofSeconds(180), log);
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** The line the child printed when ready. */
  String ready() {
    return ready;
  }

  /** CPU time the child has used so far. */
  Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** A new client for the child's API server; the caller closes it. */
  KubernetesClient newClient() {
    Config config = new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + port)
        .withNamespace("default")
        .withRequestTimeout(60_000)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** {@link MockApi#stats()} of the child. */
  Map<String, Object> stats() throws IOException, InterruptedException {
    return get("/bench/stats");
  }

  /** {@link MockApi#progress()} of the child. */
  Map<String, Object> progress() throws IOException, InterruptedException {
    return get("/bench/progress");
  }

  /** {@link MockApi#resetServices()} in the child. */
  void resetServices() throws IOException, InterruptedException {
    get("/bench/reset");
  }

  /** {@link MockApi#mark()} in the child. */
  void mark() throws IOException, InterruptedException {
    get("/bench/mark");
  }

  private Map<String, Object> get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
  }

  /** {@link MockApi#burst} in the child. */
  void burst(int first, int count, int namespaces, String loadBalancerClass)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench/burst?first=" + first
            + "&count=" + count + "&namespaces=" + namespaces
            + (loadBalancerClass == null ? ""
                : "&class=" + java.net.URLEncoder.encode(loadBalancerClass, StandardCharsets.UTF_8))))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IllegalStateException("burst request failed: " + response.statusCode() + " " + response.body());
    }
  }

  private String awaitLine(String prefix, Duration timeout, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the mock API server exited with " + process.exitValue() + "; see " + log);
      }
      if (out.ready()) {
        String line = out.readLine();
        if (line == null) {
          break;
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      } else {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("the mock API server did not print " + prefix.strip() + " within "
        + timeout.toSeconds() + " s; see " + log);
  }

  /** Ends the child by its PID: politely, then forcibly. */
  @Override
  public void close() {
    ProcessHandle handle = ProcessHandle.of(process.pid()).orElse(null);
    if (handle == null || !handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        handle.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      handle.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
