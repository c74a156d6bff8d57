package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --nodes 0 --no-default-pool}: the API works and Services use the pool the user adds. */
class SandboxNoNodesIT {
  @TempDir Path dir;

  @Test
  void zeroNodesAndNoPool() {
    try (Sandbox sandbox = Sandbox.start(new SandboxOptions("baremetal", null, 0, "127.0.0.1", 0,
        dir.resolve("kubeconfig"), false))) {
      Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache"));
      Kubectl.Result nodes = kubectl.ok("get", "nodes");
      assertThat(nodes.all()).contains("No resources found");
      assertThat(kubectl.ok("get", "ipaddresspools").all()).contains("No resources found");
      // The user brings a pool (the provider retries pool exhaustion only every 30 s, so first).
      String pool = """
          apiVersion: baremetal.fairlead.dev/v1alpha1
          kind: IPAddressPool
          metadata: {name: late}
          spec: {addresses: [198.51.100.64/28]}
          """;
      assertThat(kubectl.runWithInput(pool, "apply", "-f", "-").out()).contains("created");
      String svc = """
          apiVersion: v1
          kind: Service
          metadata: {name: waits}
          spec: {type: LoadBalancer, ports: [{port: 80}]}
          """;
      assertThat(kubectl.runWithInput(svc, "apply", "-f", "-").out()).contains("service/waits created");
      await().atMost(Kubectl.timeout()).untilAsserted(() ->
          assertThat(kubectl.ok("get", "svc", "waits").out()).containsPattern("198\\.51\\.100\\.(6[4-9]|7\\d)"));
      assertThat(kubectl.ok("get", "ipool", "late", "-o", "jsonpath={.spec.autoAssign}").out())
          .as("CRD schema defaults are applied").isEqualTo("true");
    }
  }
}
