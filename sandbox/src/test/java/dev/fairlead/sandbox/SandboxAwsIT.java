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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void nodesAreEc2InstancesAndServicesGetNlbs() throws IOException {
    Path config = Files.writeString(dir.resolve("aws.yaml"),
        "region: eu-west-1\nendpoint: http://127.0.0.1:" + motoPort + "\n");
    try (Sandbox sandbox = Sandbox.start(new SandboxOptions("aws", config, 2, "127.0.0.1", 0,
        dir.resolve("kubeconfig"), true))) {
      Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache"));
      String ids = kubectl.ok("get", "nodes", "-o", "jsonpath={.items[*].spec.providerID}").out();
      assertThat(ids.split(" ")).hasSize(2).allMatch(id -> id.matches("aws:///eu-west-1[a-z]/i-[0-9a-f]+"));
      String svc = """
          apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec: {type: LoadBalancer, ports: [{port: 80, targetPort: 8080}]}
          """;
      assertThat(kubectl.runWithInput(svc, "apply", "-f", "-").out()).contains("service/web created");
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kubectl.ok("get", "svc", "web").out())
          .containsPattern("web\\s+LoadBalancer\\s+\\S+\\s+\\S+\\.elb\\.amazonaws\\.com\\s+80:3\\d{4}/TCP"));
      assertThat(kubectl.ok("delete", "svc", "web", "--timeout=60s").out()).contains("deleted");
    }
  }
}
