package dev.fairlead.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.sandbox.SandboxApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay in deploy/ renders with {@code kubectl kustomize} and every object it yields is
 * accepted by the sandbox API server through the real {@code kubectl apply}.
 */
class DeployManifestsIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"aws", "gcp", "azure", "baremetal"})
  void overlayRendersAndEveryObjectIsAccepted(String overlay) throws Exception {
    String rendered = Manifests.kustomize(overlay);
    List<String> crds = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        (doc.contains("kind: CustomResourceDefinition") ? crds : rest).add(doc);
      }
    }
    try (SandboxApiServer api = SandboxApiServer.start("127.0.0.1", 0)) {
      Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
      if (!crds.isEmpty()) {
        // CRDs first, as an installer does: kubectl resolves kinds before it sends anything.
        assertThat(apply(kubeconfig, String.join("---\n", crds))).contains("created");
      }
      String output = apply(kubeconfig, String.join("---\n", rest));
      long objects = rest.size();
      assertThat(output.lines().filter(l -> l.contains(" created") || l.contains(" configured")))
          .as("kubectl apply output:%n%s", output).hasSize((int) objects);
    }
  }

  private String apply(Path kubeconfig, String yaml) throws Exception {
    Path file = Files.createTempFile(dir, "objects", ".yaml");
    Files.writeString(file, yaml);
    Process process = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "apply",
        "-f", file.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl apply failed:%n%s", output).isZero();
    return output;
  }
}
