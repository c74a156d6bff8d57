package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox --provider azure} with no set-up: the embedded ARM simulator over HTTPS, Nodes
 * with Azure providerIDs, a public IP per Service, and a {@code cloud.env} with which {@code curl}
 * shows the shared load balancer.
 */
class SandboxAzureIT {
  @TempDir Path dir;

  @Test
  void nodesAreAzureVmsAndCurlWithTheCloudEnvShowsTheLoadBalancer() throws Exception {
    try (Sandbox sandbox = Sandbox.start(new SandboxOptions("azure", null, 2, "127.0.0.1", 0,
        dir.resolve("kubeconfig"), true))) {
      Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache"));
      String ids = kubectl.ok("get", "nodes", "-o", "jsonpath={.items[*].spec.providerID}").out();
      assertThat(ids.split(" ")).hasSize(2).allMatch(id -> id.matches(
          "azure:///subscriptions/[0-9a-f-]+/resourceGroups/fairlead-sandbox/providers/Microsoft.Compute/"
              + "virtualMachines/sandbox-node-\\d"));
      String svc = """
          apiVersion: v1
          kind: Service
          metadata: {name: web}
          spec: {type: LoadBalancer, ports: [{port: 80, targetPort: 8080}]}
          """;
      assertThat(kubectl.runWithInput(svc, "apply", "-f", "-").out()).contains("service/web created");
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(kubectl.ok("get", "svc", "web").out())
          .containsPattern("web\\s+LoadBalancer\\s+\\S+\\s+198\\.51\\.100\\.\\d+\\s+80:3\\d{4}/TCP"));

      Map<String, String> env = cloudEnv(sandbox.cloudEnv().orElseThrow());
      assertThat(env).containsKeys("FAIRLEAD_SIM_URL", "FAIRLEAD_SIM_CA", "AZURE_SUBSCRIPTION_ID",
          "AZURE_RESOURCE_GROUP", "REQUESTS_CA_BUNDLE");
      assertThat(env.get("FAIRLEAD_SIM_URL")).startsWith("https://");
      assertThat(Files.readString(Path.of(env.get("FAIRLEAD_SIM_CA")))).startsWith("-----BEGIN CERTIFICATE-----");
      String uid = kubectl.ok("get", "svc", "web", "-o", "jsonpath={.metadata.uid}").out().strip();
      String lb = curl(env, "/subscriptions/" + env.get("AZURE_SUBSCRIPTION_ID") + "/resourceGroups/"
          + env.get("AZURE_RESOURCE_GROUP") + "/providers/Microsoft.Network/loadBalancers/sandbox"
          + "?api-version=2024-07-01");
      assertThat(lb).contains("\"frontendIPConfigurations\"").contains("a" + uid.replace("-", "").substring(0, 31))
          .contains("-TCP-80");
      assertThat(String.join("\n", sandbox.cloudHints())).contains("curl -s --cacert \"$FAIRLEAD_SIM_CA\"");

      assertThat(kubectl.ok("delete", "svc", "web", "--timeout=90s").out()).contains("deleted");
      assertThat(curl(env, "/subscriptions/" + env.get("AZURE_SUBSCRIPTION_ID") + "/resourceGroups/"
          + env.get("AZURE_RESOURCE_GROUP") + "/providers/Microsoft.Network/publicIPAddresses"
          + "?api-version=2024-07-01")).contains("\"value\":[]");
    }
  }

  private static Map<String, String> cloudEnv(Path file) throws IOException {
    Map<String, String> env = new HashMap<>();
    Matcher m = Pattern.compile("export (\\w+)='([^']*)'").matcher(Files.readString(file));
    while (m.find()) {
      env.put(m.group(1), m.group(2));
    }
    return env;
  }

  /** Real curl, with the CA from cloud.env, as the banner tells a user to run it. */
  private static String curl(Map<String, String> env, String path) throws Exception {
    Process p = new ProcessBuilder(List.of("curl", "-sS", "--max-time", "20", "--cacert", env.get("FAIRLEAD_SIM_CA"),
        env.get("FAIRLEAD_SIM_URL") + path)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
