package dev.fairlead.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the cluster configuration comes from, with every environment spelled out. */
class KubeconfigsTest {
  @TempDir Path home;

  Path kubeconfig(String name, String server) throws Exception {
    Path file = home.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: %s
        contexts:
        - name: ctx
          context:
            cluster: c
        current-context: ctx
        users: []
        """.formatted(server));
    return file;
  }

  @Test
  void noConfigurationAnywhereOutsideAClusterIsAClearError() {
    assertThatThrownBy(() -> Kubeconfigs.load(null, Map.of(), home, home.resolve("no-sa")))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("no Kubernetes configuration: pass --kubeconfig FILE");
  }

  @Test
  void kubeconfigFromTheEnvironmentThenTheHomeDirectory() throws Exception {
    Path fromEnv = kubeconfig("env/config", "https://192.0.2.1:6443");
    kubeconfig(".kube/config", "https://192.0.2.2:6443");
    Config env = Kubeconfigs.load(null,
        Map.of("KUBECONFIG", home.resolve("missing") + java.io.File.pathSeparator + fromEnv), home,
        home.resolve("no-sa"));
    assertThat(env.getMasterUrl()).startsWith("https://192.0.2.1:6443");
    Config user = Kubeconfigs.load(null, Map.of(), home, home.resolve("no-sa"));
    assertThat(user.getMasterUrl()).startsWith("https://192.0.2.2:6443");
  }

  @Test
  void aKubeconfigVariableNamingNoFileIsAnError() {
    assertThatThrownBy(() -> Kubeconfigs.load(null, Map.of("KUBECONFIG", "/nonexistent/a"), home,
        home.resolve("no-sa")))
        .hasMessage("$KUBECONFIG (/nonexistent/a) names no existing file");
  }

  @Test
  void aContextPointingAtAMissingClusterIsNamed() throws Exception {
    Path file = home.resolve("broken");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters: []
        contexts:
        - name: ctx
          context:
            cluster: gone
        current-context: ctx
        """);
    assertThatThrownBy(() -> Kubeconfigs.load(file))
        .hasMessage("kubeconfig " + file + " names no cluster: context 'ctx' refers to cluster"
            + " 'gone', which is not among its clusters");
  }
}
