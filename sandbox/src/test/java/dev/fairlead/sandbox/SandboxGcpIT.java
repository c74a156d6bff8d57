package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox --provider gcp} with no other set-up: Nodes backed by instances in the embedded
 * Compute simulator, a Service gets a forwarding rule's address, and gcloud, pointed at the
 * simulator by the {@code cloud.env} the sandbox writes, lists it.
 */
class SandboxGcpIT {
  @TempDir Path dir;

  @Test
  void nodesAreInstancesServicesGetForwardingRulesAndGcloudSeesThem() throws Exception {
    try (Sandbox sandbox = Sandbox.start(new SandboxOptions("gcp", null, 3, "127.0.0.1", 0,
        dir.resolve("kubeconfig"), true))) {
      Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache"));
      String ids = kubectl.ok("get", "nodes", "-o", "jsonpath={.items[*].spec.providerID}").out();
      assertThat(ids.split(" ")).hasSize(3)
          .allMatch(id -> id.matches("gce://sandbox-project/us-central1-[abc]/sandbox-node-[1-3]"));
      String svc = """
          apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec: {type: LoadBalancer, ports: [{port: 80, targetPort: 8080}]}
          """;
      assertThat(kubectl.runWithInput(svc, "apply", "-f", "-").out()).contains("service/web created");
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kubectl.ok("get", "svc", "web").out())
          .containsPattern("web\\s+LoadBalancer\\s+\\S+\\s+203\\.0\\.113\\.\\d+\\s+80:3\\d{4}/TCP"));
      String ip = kubectl.ok("get", "svc", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}").out().strip();

      Path env = sandbox.cloudEnv().orElseThrow();
      assertThat(Files.readString(env)).contains("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE").contains("FAIRLEAD_SIM_URL")
          .contains("CLOUDSDK_CONFIG");
      assertThat(sandbox.cloudHints()).anyMatch(h -> h.contains("gcloud compute forwarding-rules list"));
      if (!gcloudInstalled()) {
        System.out.println("gcloud is not installed: the gcloud checks of the sandbox are skipped");
      } else {
        String rules = shell(env, "gcloud compute forwarding-rules list --format='value(IPAddress,portRange)'");
        assertThat(rules).contains(ip).contains("80-80");
        assertThat(shell(env, "gcloud compute instances list --format='value(name)'")).contains("sandbox-node-1");
      }
      assertThat(kubectl.ok("delete", "svc", "web", "--timeout=60s").out()).contains("deleted");
      if (gcloudInstalled()) {
        assertThat(shell(env, "gcloud compute forwarding-rules list --format='value(name)'")).isBlank();
      }
    }
  }

  private static boolean gcloudInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "gcloud"))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a command in bash after sourcing cloud.env, as a user would. */
  private static String shell(Path env, String command) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("bash", "-c", ". '" + env + "' && " + command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s failed: %s", command, err).isZero();
    return out;
  }
}
