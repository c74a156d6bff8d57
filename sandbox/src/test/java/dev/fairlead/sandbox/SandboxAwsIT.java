package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/** {@code sandbox --provider aws} against moto: EC2 instances as Nodes, an NLB per Service. */
class SandboxAwsIT {
  @TempDir Path dir;
  private Process moto;
  private int motoPort;

  @BeforeEach
  void startMoto() throws Exception {
    Process probe = new ProcessBuilder("python3", "-c", "import moto.server").redirectErrorStream(true).start();
    boolean present = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    Assumptions.assumeTrue(present, "moto is not installed (python3 -m moto.server): skipping the aws sandbox test");
    try (ServerSocket socket = new ServerSocket(0)) {
      motoPort = socket.getLocalPort();
    }
    moto = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(motoPort))
        .redirectErrorStream(true).redirectOutput(dir.resolve("moto.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + motoPort + "/moto-api/")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  @AfterEach
  void stopMoto() throws InterruptedException {
    if (moto != null) {
      moto.destroy();
      if (!moto.waitFor(10, TimeUnit.SECONDS)) {
        moto.destroyForcibly();
      }
    }
  }

  private Path config() throws IOException {
    return Files.writeString(dir.resolve("aws.yaml"),
        "region: eu-west-1\nendpoint: http://127.0.0.1:" + motoPort + "\n");
  }

  private static String service(String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s}
        spec: {type: LoadBalancer, ports: [{port: 80, targetPort: 8080}]}
        """.formatted(name);
  }

  @Test
  void nodesAreEc2InstancesAndServicesGetNlbs() throws IOException {
    try (Sandbox sandbox = Sandbox.start(new SandboxOptions("aws", config(), 2, "127.0.0.1", 0,
        dir.resolve("kubeconfig"), true))) {
      Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache"));
      String ids = kubectl.ok("get", "nodes", "-o", "jsonpath={.items[*].spec.providerID}").out();
      assertThat(ids.split(" ")).hasSize(2).allMatch(id -> id.matches("aws:///eu-west-1[a-z]/i-[0-9a-f]+"));
      assertThat(kubectl.runWithInput(service("web"), "apply", "-f", "-").out()).contains("service/web created");
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kubectl.ok("get", "svc", "web").out())
          .containsPattern("web\\s+LoadBalancer\\s+\\S+\\s+\\S+\\.elb\\.amazonaws\\.com\\s+80:3\\d{4}/TCP"));
      assertThat(kubectl.ok("delete", "svc", "web", "--timeout=60s").out()).contains("deleted");
    }
  }

  /**
   * A long-lived emulator outlives two sandbox runs: each stop removes its NLBs and instances, and
   * the second run's Service gets a UID (so names and tags) of its own.
   */
  @Test
  void aStopLeavesNothingInTheEmulatorAndRunsNeverShareUids() throws Exception {
    List<String> uids = new ArrayList<>();
    for (int run = 1; run <= 2; run++) {
      Sandbox sandbox = Sandbox.start(new SandboxOptions("aws", config(), 2, "127.0.0.1", 0,
          dir.resolve("kubeconfig"), true));
      try {
        Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache"));
        kubectl.runWithInput(service("web"), "apply", "-f", "-");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(loadBalancers()).hasSize(1));
        uids.add(kubectl.ok("get", "svc", "web", "-o", "jsonpath={.metadata.uid}").out());
        assertThat(runningInstances()).hasSize(2);
      } finally {
        sandbox.close(); // the Service is still there: the stop deletes it
      }
      assertThat(loadBalancers()).as("NLBs after stop %d", run).isEmpty();
      assertThat(runningInstances()).as("instances after stop %d", run).isEmpty();
    }
    assertThat(uids.get(1)).isNotEqualTo(uids.get(0));
  }

  /** With no endpoint configured the sandbox starts moto itself, and stops it. */
  @Test
  void withoutAnEndpointTheSandboxRunsMotoItself() throws Exception {
    URI endpoint;
    try (Sandbox sandbox = Sandbox.start(new SandboxOptions("aws", null, 1, "127.0.0.1", 0,
        dir.resolve("own").resolve("kubeconfig"), true))) {
      String env = Files.readString(sandbox.cloudEnv().orElseThrow());
      Matcher m = Pattern.compile("AWS_ENDPOINT_URL='([^']+)'").matcher(env);
      assertThat(m.find()).as(env).isTrue();
      endpoint = URI.create(m.group(1));
      assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
      assertThat(get(endpoint.resolve("/moto-api/"))).isEqualTo(200);
      Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache2"));
      assertThat(kubectl.ok("get", "nodes", "-o", "jsonpath={.items[*].spec.providerID}").out())
          .matches("aws:///us-east-1[a-z]/i-[0-9a-f]+");
    }
    URI stopped = endpoint;
    await().atMost(Duration.ofSeconds(15)).until(() -> get(stopped.resolve("/moto-api/")) < 0);
  }

  private static int get(URI uri) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private List<String> loadBalancers() {
    try (ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder().region(Region.EU_WEST_1)
        .endpointOverride(URI.create("http://127.0.0.1:" + motoPort)).credentialsProvider(DUMMY).build()) {
      return elb.describeLoadBalancers().loadBalancers().stream().map(lb -> lb.loadBalancerName()).toList();
    }
  }

  private List<String> runningInstances() {
    try (Ec2Client ec2 = Ec2Client.builder().region(Region.EU_WEST_1)
        .endpointOverride(URI.create("http://127.0.0.1:" + motoPort)).credentialsProvider(DUMMY).build()) {
      return ec2.describeInstances().reservations().stream().flatMap(r -> r.instances().stream())
          .filter(i -> !"terminated".equals(i.state().nameAsString()))
          .map(i -> i.instanceId()).toList();
    }
  }

  private static final StaticCredentialsProvider DUMMY =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
}
