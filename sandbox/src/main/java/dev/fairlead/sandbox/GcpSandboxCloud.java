package dev.fairlead.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairlead.controller.cli.CliException;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.sim.gcp.GcpSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Google Cloud behind the sandbox: the Compute simulator from cloud-sim, embedded (or the one the
 * provider config's {@code endpoint} names), one instance per Node spread over three zones, and a
 * {@code cloud.env} that points {@code gcloud} at it with a fake token and a throw-away config
 * directory (so gcloud neither logs in nor probes the metadata server).
 */
final class GcpSandboxCloud implements SandboxCloud {
  static final String DEFAULT_PROJECT = "sandbox-project";
  static final String DEFAULT_REGION = "us-central1";
  /** The network tag every sandbox instance carries; the firewall rules target it. */
  static final String NODE_TAG = "fairlead-sandbox-node";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<GcpSimulator> embedded;
  private final URI endpoint;
  private final ProviderSettings configured;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Path gcloudConfig;

  private GcpSandboxCloud(Optional<GcpSimulator> embedded, URI endpoint, ProviderSettings configured) {
    this.embedded = embedded;
    this.endpoint = endpoint;
    this.configured = configured;
  }

  static GcpSandboxCloud create(ProviderSettings configured, Path configFile) {
    Optional<String> given = configured.optional("endpoint");
    if (given.isPresent()) {
      return new GcpSandboxCloud(Optional.empty(), URI.create(given.get().replaceAll("/+$", "")), configured);
    }
    try {
      GcpSimulator sim = GcpSimulator.start("127.0.0.1", 0);
      return new GcpSandboxCloud(Optional.of(sim), sim.endpoint(), configured);
    } catch (IOException e) {
      throw new CliException("cannot start the embedded Compute simulator: " + e.getMessage());
    }
  }

  @Override
  public Prepared prepare(int nodes, String cluster) {
    String project = configured.optional("project").orElse(DEFAULT_PROJECT);
    String region = configured.optional("region").orElse(DEFAULT_REGION);
    List<String> zones = List.of(region + "-a", region + "-b", region + "-c");
    List<SandboxNodes.Instance> instances = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      String zone = zones.get((i - 1) % zones.size());
      String name = "sandbox-node-" + i;
      instances.add(new SandboxNodes.Instance("gce://" + project + "/" + zone + "/" + name, zone, region,
          launch(project, zone, name)));
    }
    Map<String, String> settings = new LinkedHashMap<>(configured.values());
    settings.putIfAbsent("project", project);
    settings.putIfAbsent("region", region);
    settings.putIfAbsent("endpoint", endpoint.toString());
    return new Prepared(instances, ProviderSettings.of(settings), environment(project),
        List.of("gcloud compute forwarding-rules list     # one rule per Service, with its address",
            "gcloud compute target-pools list          # the instances behind each load balancer",
            "gcloud compute firewall-rules list        # k8s-fw-a<uid> carries the checkpoint",
            "gcloud compute instances list             # the instances behind the Nodes",
            "curl -s $FAIRLEAD_SIM_URL/sim/recorder    # every Compute request, one JSON object a line"));
  }

  /** Creates one instance and answers its internal address. */
  private String launch(String project, String zone, String name) {
    String base = endpoint + "/compute/v1/projects/" + project + "/zones/" + zone + "/instances";
    String body = "{\"name\":\"" + name + "\",\"machineType\":\"zones/" + zone + "/machineTypes/e2-standard-2\","
        + "\"tags\":{\"items\":[\"" + NODE_TAG + "\"]}}";
    JsonNode created = send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)), true);
    if (created.has("error") && !created.path("error").path("errors").path(0).path("reason").asText().equals("alreadyExists")) {
      throw new CliException("the Compute simulator refused instance " + name + ": "
          + created.path("error").path("message").asText());
    }
    for (int attempt = 0; attempt < 50; attempt++) {
      JsonNode instance = send(HttpRequest.newBuilder(URI.create(base + "/" + name)).GET(), true);
      String ip = instance.path("networkInterfaces").path(0).path("networkIP").asText("");
      if (!ip.isEmpty()) {
        return ip;
      }
      sleep();
    }
    throw new CliException("instance " + name + " did not come up in the Compute simulator at " + endpoint);
  }

  private Map<String, String> environment(String project) {
    try {
      gcloudConfig = Files.createTempDirectory("fairlead-sandbox-gcloud");
      Files.writeString(gcloudConfig.resolve("gce"), "False"); // "not on GCE": no metadata probe
    } catch (IOException e) {
      throw new CliException("cannot prepare a gcloud config directory: " + e.getMessage());
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FAIRLEAD_SIM_URL", endpoint.toString());
    env.put("CLOUDSDK_CONFIG", gcloudConfig.toString());
    env.put("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", endpoint + "/compute/v1/");
    env.put("CLOUDSDK_AUTH_ACCESS_TOKEN", "fake-sandbox-token");
    env.put("CLOUDSDK_CORE_PROJECT", project);
    env.put("CLOUDSDK_CORE_DISABLE_PROMPTS", "1");
    env.put("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true");
    env.put("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true");
    env.put("CLOUDSDK_CORE_CHECK_GCE_METADATA", "false");
    env.put("GCE_METADATA_ROOT", "127.0.0.1:9");
    env.put("GCE_METADATA_IP", "127.0.0.1:9");
    return env;
  }

  private JsonNode send(HttpRequest.Builder request, boolean retry) {
    for (int attempt = 0; ; attempt++) {
      try {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
      } catch (IOException e) {
        if (!retry || attempt >= 20) {
          throw new CliException("cannot reach the Compute simulator at " + endpoint + ": " + e.getMessage());
        }
        sleep();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while preparing the Compute simulator");
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    embedded.ifPresent(GcpSimulator::close);
    http.close();
    if (gcloudConfig != null) {
      try (Stream<Path> files = Files.walk(gcloudConfig)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | RuntimeException e) {
        // best effort: a temporary directory
      }
    }
  }
}
