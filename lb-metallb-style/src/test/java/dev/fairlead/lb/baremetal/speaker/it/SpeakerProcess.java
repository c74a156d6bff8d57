package dev.fairlead.lb.baremetal.speaker.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code fairlead speaker} JVM inside a node namespace, started the way the launcher does
 * ({@code dev.fairlead.controller.cli.Fairlead speaker ...}) on this test's class path: every
 * eligible interface (the node's {@code eth0}, and whatever a test adds), membership keys from
 * {@link MockCluster#SECRET} unless the extra arguments say otherwise.
 */
final class SpeakerProcess {
  static final int METRICS_PORT = 7472;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();

  final String node;
  final String address;
  final Path log;
  private final Topology topology;
  private final String namespace;
  private final List<String> extraArgs;
  private Process process;

  SpeakerProcess(Topology topology, MockCluster cluster, String node, Path logDir, String... extraArgs) {
    this(topology, cluster, node, node, logDir, extraArgs);
  }

  /**
   * A speaker in the namespace of topology node {@code host} that calls itself {@code node}.
   */
  SpeakerProcess(Topology topology, MockCluster cluster, String host, String node, Path logDir,
      String... extraArgs) {
    this.topology = topology;
    this.node = node;
    this.namespace = topology.nodeNamespaces.get(host);
    this.address = topology.nodeV4.get(host);
    this.log = logDir.resolve("speaker-" + node + ".log");
    List<String> args = new ArrayList<>(List.of("--kubeconfig", cluster.kubeconfig.toString()));
    if (List.of(extraArgs).stream().noneMatch(a -> a.startsWith("--membership-secret")
        || a.equals("--insecure-membership"))) {
      args.add("--membership-secret=default/" + MockCluster.SECRET);
    }
    args.addAll(List.of(extraArgs));
    this.extraArgs = args;
  }

  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  void start() {
    List<String> cmd = new ArrayList<>(List.of(javaBinary(),
        "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"),
        "dev.fairlead.controller.cli.Fairlead", "speaker",
        "--node-name", node, "--metrics-port", String.valueOf(METRICS_PORT)));
    cmd.addAll(extraArgs);
    try {
      Files.writeString(log, "---- start " + java.time.Instant.now() + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process = topology.spawn(namespace, log, cmd);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL, by PID: no shutdown hook runs, no membership leave is sent. */
  void kill() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** The speaker's Prometheus text, fetched through the bridge. */
  Optional<String> metrics() {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://" + address + ":" + METRICS_PORT + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** A metric's value (summed over label sets matching {@code labelFilter}), or -1. */
  double metric(String name, String labelFilter) {
    return metrics().map(text -> {
      double sum = 0;
      boolean found = false;
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)$").matcher(text);
      while (m.find()) {
        String labels = m.group(1) == null ? "" : m.group(1);
        if (labels.contains(labelFilter)) {
          sum += Double.parseDouble(m.group(2));
          found = true;
        }
      }
      return found ? sum : -1;
    }).orElse(-1.0);
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
