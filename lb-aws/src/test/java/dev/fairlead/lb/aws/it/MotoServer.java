package dev.fairlead.lb.aws.it;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.aws.AwsProviderFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * A moto server the test starts on a free loopback port and stops by its PID, plus helpers: seed a
 * cluster's network, count calls with moto's recorder, list what exists.
 */
final class MotoServer implements AutoCloseable {
  static final String REGION = "eu-west-1";

  final int port;
  final URI endpoint;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  private MotoServer(int port, Process process) {
    this.port = port;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.process = process;
  }

  static MotoServer start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("moto-" + port, ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                "python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // One recording file per server, so servers of different test classes never mix their counts.
    builder
        .environment()
        .put(
            "MOTO_RECORDER_FILEPATH",
            Files.createTempFile("moto-recording-" + port, ".jsonl").toString());
    Process process = builder.start();
    MotoServer moto = new MotoServer(port, process);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto exited: " + Files.readString(log));
      }
      try {
        moto.get("/moto-api/");
        return moto;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    moto.close();
    throw new IllegalStateException("moto did not start within 30 s: " + Files.readString(log));
  }

  /** Provider settings pointing at this server. */
  ProviderSettings settings(Map<String, String> extra) {
    Map<String, String> values = new TreeMap<>(extra);
    values.put("region", REGION);
    values.put("endpoint", endpoint.toString());
    values.putIfAbsent("driftCheck", "false");
    values.putIfAbsent("apiCallsPerSecond", "200");
    return ProviderSettings.of(values);
  }

  /**
   * The one place tests build provider contexts (the SPI's context may change shape).
   *
   * @param cluster the cluster name
   * @param settings the provider settings
   * @param calls receives one record per AWS call
   * @return the context
   */
  static ProviderContext context(String cluster, ProviderSettings settings, ApiCallListener calls) {
    return new ProviderContext(cluster, settings, Clock.systemUTC(), calls);
  }

  /** A provider for a cluster on this server, recovered with nothing published. */
  LoadBalancerProvider provider(String cluster, Map<String, String> extraSettings) {
    LoadBalancerProvider provider =
        new AwsProviderFactory()
            .create(context(cluster, settings(extraSettings), ApiCallListener.NONE));
    provider.recover(Map.of());
    return provider;
  }

  Ec2Client ec2() {
    return Ec2Client.builder().region(Region.of(REGION)).endpointOverride(endpoint).build();
  }

  ElasticLoadBalancingV2Client elb() {
    return ElasticLoadBalancingV2Client.builder()
        .region(Region.of(REGION))
        .endpointOverride(endpoint)
        .build();
  }

  /**
   * Tags the default VPC's subnets for ELBs and creates a node security group for the cluster.
   *
   * @return the node security group ID
   */
  String seedCluster(String cluster) {
    try (Ec2Client ec2 = ec2()) {
      for (Subnet subnet : ec2.describeSubnets().subnets()) {
        ec2.createTags(
            b ->
                b.resources(subnet.subnetId())
                    .tags(
                        Tag.builder().key("kubernetes.io/role/elb").value("1").build(),
                        Tag.builder().key("kubernetes.io/role/internal-elb").value("1").build()));
      }
      String vpc = ec2.describeVpcs().vpcs().getFirst().vpcId();
      return ec2.createSecurityGroup(
              b ->
                  b.groupName("nodes-" + cluster)
                      .description("nodes")
                      .vpcId(vpc)
                      .tagSpecifications(
                          TagSpecification.builder()
                              .resourceType(ResourceType.SECURITY_GROUP)
                              .tags(
                                  Tag.builder()
                                      .key("kubernetes.io/cluster/" + cluster)
                                      .value("owned")
                                      .build())
                              .build()))
          .groupId();
    }
  }

  static List<BackendNode> nodes(int count) {
    List<BackendNode> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(node(i));
    }
    return nodes;
  }

  static BackendNode node(int i) {
    return new BackendNode("node-" + i, "aws:///eu-west-1a/" + instance(i), List.of(), Map.of());
  }

  static String instance(int i) {
    return String.format("i-%017x", 0xabc000L + i);
  }

  void startRecording() throws IOException, InterruptedException {
    post("/moto-api/recorder/reset-recording"); // "clear" in older docs; 5.x: reset
    post("/moto-api/recorder/start-recording");
  }

  /** Stops recording and returns the AWS operations recorded, in order. */
  List<String> stopRecording() throws IOException, InterruptedException {
    post("/moto-api/recorder/stop-recording");
    String recording = get("/moto-api/recorder/download-recording");
    List<String> operations = new ArrayList<>();
    for (String line : recording.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      operations.add(operation(line));
    }
    return operations;
  }

  private static String operation(String line) {
    int target = line.indexOf("\"X-Amz-Target\": \"");
    if (target >= 0) {
      String rest = line.substring(target + 17);
      String value = rest.substring(0, rest.indexOf('"'));
      return value.substring(value.indexOf('.') + 1);
    }
    int body = line.indexOf("\"body\": \"");
    String encoded = line.substring(body + 9, line.indexOf('"', body + 9));
    String decoded =
        line.contains("\"body_encoded\": true")
            ? new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8)
            : encoded;
    for (String pair : decoded.split("&")) {
      if (pair.startsWith("Action=")) {
        return pair.substring(7);
      }
    }
    return "?" + line.substring(0, Math.min(120, line.length()));
  }

  String post(String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(endpoint.resolve(path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  String get(String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(endpoint.resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Runs the real aws CLI (v1) against this server: a check independent of our SDK client. */
  String awsCli(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "aws",
                "--endpoint-url",
                endpoint.toString(),
                "--region",
                REGION,
                "--output",
                "text"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
    builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    builder.environment().put("AWS_DEFAULT_REGION", REGION);
    Process cli = builder.start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (cli.waitFor() != 0) {
      throw new IllegalStateException("aws " + String.join(" ", args) + " failed: " + out);
    }
    return out.strip();
  }

  /**
   * Closes each of the given resources that exists, even if set-up failed halfway, so no moto
   * process outlives a test.
   *
   * @param resources the resources, nulls allowed
   */
  static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing " + resource + " failed", e);
        }
      }
    }
  }

  @Override
  public void close() {
    http.close();
    ProcessHandle handle = process.toHandle();
    handle.descendants().forEach(ProcessHandle::destroy);
    handle.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        handle.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle.destroyForcibly();
    }
  }
}
