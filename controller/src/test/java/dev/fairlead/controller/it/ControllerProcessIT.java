package dev.fairlead.controller.it;

import static dev.fairlead.kube.fake.KubeFixtures.loadBalancer;
import static dev.fairlead.kube.fake.KubeFixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.kube.fake.FakeApiServer;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fairlead controller} as an operator runs it: its own JVM, a kubeconfig, the HTTP
 * endpoints, and SIGTERM for a graceful stop.
 */
class ControllerProcessIT {
  @TempDir Path dir;
  FakeApiServer cluster;
  Process process;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void servesMetricsAndProbesReconcilesAndStopsGracefullyOnSigterm() throws Exception {
    cluster = FakeApiServer.start();
    cluster.client().nodes().resource(node("node-1", 1)).create();
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            namespace: default
        current-context: mock
        users: []
        """.formatted(cluster.client().getMasterUrl().toString()));
    int port = freePort();
    Path log = dir.resolve("controller.log");
    List<String> command = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"),
        "dev.fairlead.controller.cli.Fairlead", "controller",
        "--provider", "inmemory", "--kubeconfig", kubeconfig.toString(),
        "--metrics-port", String.valueOf(port), "--log-format", "json"));
    process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();

    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> get(http, port, "/readyz").statusCode() == 200);
    assertThat(get(http, port, "/healthz").statusCode()).isEqualTo(200);

    cluster.client().services().resource(loadBalancer("default", "web", 80, 30080)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      Service web = cluster.service("default", "web");
      return web.getStatus() != null && web.getStatus().getLoadBalancer() != null
          && !web.getStatus().getLoadBalancer().getIngress().isEmpty();
    });

    // The reconcile is counted after its status PATCH, so the ingress can be visible first.
    await().atMost(Duration.ofSeconds(10)).until(() ->
        get(http, port, "/metrics").body().contains("fairlead_reconcile_total{result=\"done\"}"));
    String metrics = get(http, port, "/metrics").body();
    assertThat(metrics)
        .contains("fairlead_reconcile_total{result=\"done\"}")
        .contains("fairlead_provider_calls_total{operation=\"ensure\",provider=\"inmemory\",result=\"ok\"} 1.0")
        .contains("fairlead_queue_depth")
        .contains("fairlead_reconcile_duration_seconds_bucket");

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stops within the shutdown grace").isTrue();
    String output = Files.readString(log);
    assertThat(output).contains("Shutting down");
    assertThat(output.lines().filter(l -> l.startsWith("{")).findFirst()).isPresent(); // JSON logs
  }

  static HttpResponse<String> get(HttpClient http, int port, String path)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
