package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fairlead sandbox} as its own process: banner, kubectl, SIGTERM, clean exit. */
class SandboxProcessIT {
  private static final Pattern KUBECONFIG = Pattern.compile("export KUBECONFIG=(\\S+)");

  @TempDir Path dir;

  @Test
  void runsUntilTerminatedAndShutsDownCleanly() throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
        "dev.fairlead.controller.cli.Fairlead", "sandbox", "--listen", "127.0.0.1:0", "--nodes", "2",
        "--kubeconfig-out", dir.resolve("kubeconfig").toString()));
    Process process = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // ended
      }
    });
    try {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (lines.stream().noneMatch(l -> l.startsWith("Press Ctrl-C")) && Instant.now().isBefore(deadline)
          && process.isAlive()) {
        Thread.sleep(100);
      }
      String banner = String.join("\n", lines);
      assertThat(banner).as("stderr: " + Files.readString(dir.resolve("stderr.txt")))
          .contains("Fairlead sandbox is running: Kubernetes API at http://127.0.0.1:", "kubectl apply -f");
      Matcher m = KUBECONFIG.matcher(banner);
      assertThat(m.find()).isTrue();
      Kubectl kubectl = new Kubectl(Path.of(m.group(1)), dir.resolve("cache"));
      assertThat(kubectl.ok("get", "nodes").out()).contains("sandbox-node-1", "sandbox-node-2")
          .doesNotContain("sandbox-node-3");
      String example = banner.lines().filter(l -> l.contains("kubectl apply -f")).findFirst().orElseThrow()
          .replaceAll(".*apply -f ", "").strip();
      assertThat(kubectl.ok("apply", "-f", example).out()).contains("service/hello created");
    } finally {
      process.destroy(); // SIGTERM, as Ctrl-C or `kill` would send
      boolean exited = process.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      reader.join(Duration.ofSeconds(5));
      assertThat(exited).as("the sandbox stops within 30 s of SIGTERM").isTrue();
    }
    assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("Stopping the sandbox");
  }
}
