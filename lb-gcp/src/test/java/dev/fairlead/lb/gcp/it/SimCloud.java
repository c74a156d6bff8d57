package dev.fairlead.lb.gcp.it;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.sim.gcp.GcpSimulator;
import dev.fairlead.sim.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Compute simulator for the gcp tests, with instances for Nodes and the provider settings. */
final class SimCloud implements AutoCloseable {
  static final String PROJECT = "fairlead-it";
  static final String REGION = "us-central1";
  static final String ZONE = "us-central1-a";

  final GcpSimulator sim;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  SimCloud() {
    try {
      sim = GcpSimulator.start("127.0.0.1", 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The provider settings for a project on this simulator. */
  ProviderSettings settings(String project, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(Map.of("project", project, "region", REGION,
        "endpoint", sim.endpoint().toString(), "apiCallsPerSecond", "500"));
    values.putAll(extra);
    return ProviderSettings.of(values);
  }

  ProviderSettings settings() {
    return settings(PROJECT, Map.of());
  }

  /** Creates instances node-1..n (tag {@code k8s-node}) in a zone and returns their Nodes. */
  List<BackendNode> nodes(String project, String zone, int from, int to) {
    List<BackendNode> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      String name = "node-" + i;
      String body = "{\"name\":\"" + name + "\",\"machineType\":\"zones/" + zone + "/machineTypes/e2-small\","
          + "\"tags\":{\"items\":[\"k8s-node\"]}}";
      String answer = post("projects/" + project + "/zones/" + zone + "/instances", body);
      if (!answer.contains("\"compute#operation\"") && !answer.contains("alreadyExists")) {
        throw new IllegalStateException("instance " + name + ": " + answer);
      }
      out.add(node(project, zone, i));
    }
    return out;
  }

  static BackendNode node(String project, String zone, int i) {
    return new BackendNode("node-" + i, "gce://" + project + "/" + zone + "/node-" + i,
        List.of(IpLiteral.parse("192.0.2." + (100 + i))), Map.of());
  }

  String post(String path, String body) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sim.computeUrl() + path))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every request since the last reset, as {@code METHOD path-after-project}. */
  List<String> requests() {
    List<String> out = new ArrayList<>();
    for (RecordedRequest r : sim.recorder().all()) {
      String path = r.path().replaceFirst("/compute/v1/projects/[^/]+/", "");
      out.add(r.method() + " " + path.replaceAll("operation-[0-9a-f-]+", "OP"));
    }
    return out;
  }

  /** Every resource of the simulator's load-balancing collections, for leak checks. */
  List<String> loadBalancingResources() {
    List<String> out = new ArrayList<>();
    for (String c : List.of("forwardingRules", "targetPools", "addresses", "firewalls", "httpHealthChecks",
        "healthChecks", "backendServices", "instanceGroups")) {
      out.addAll(sim.resources(c));
    }
    return out;
  }

  @Override
  public void close() {
    sim.close();
    http.close();
  }
}
