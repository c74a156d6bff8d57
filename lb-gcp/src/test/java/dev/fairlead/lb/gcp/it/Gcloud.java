package dev.fairlead.lb.gcp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code gcloud} CLI pointed at the simulator: an independent client that lists, describes
 * and creates what the tests check. It runs with a throw-away {@code CLOUDSDK_CONFIG} (never the
 * user's), a fake token, and the metadata server switched off.
 */
final class Gcloud {
  private final Path config;
  private final String computeUrl;
  private final String project;

  Gcloud(Path dir, String computeUrl, String project) {
    this.config = dir.resolve("gcloud-config");
    this.computeUrl = computeUrl;
    this.project = project;
    try {
      Files.createDirectories(config);
      Files.writeString(config.resolve("gce"), "False");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean installed() {
    try {
      Process p = new ProcessBuilder("gcloud", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The environment that points gcloud at the simulator. */
  Map<String, String> environment() {
    return Map.ofEntries(
        Map.entry("CLOUDSDK_CONFIG", config.toString()),
        Map.entry("CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE", computeUrl),
        Map.entry("CLOUDSDK_AUTH_ACCESS_TOKEN", "fake"),
        Map.entry("CLOUDSDK_CORE_PROJECT", project),
        Map.entry("CLOUDSDK_CORE_DISABLE_PROMPTS", "1"),
        Map.entry("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true"),
        Map.entry("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true"),
        Map.entry("CLOUDSDK_CORE_CHECK_GCE_METADATA", "false"),
        Map.entry("GCE_METADATA_ROOT", "127.0.0.1:9"),
        Map.entry("GCE_METADATA_IP", "127.0.0.1:9"));
  }

  /** Runs gcloud; fails with its output unless it exits 0. */
  String ok(String... args) {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("gcloud " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.output());
    }
    return r.stdout();
  }

  record Result(int exit, String stdout, String output) {}

  Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add("gcloud");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(environment());
    try {
      Path err = Files.createTempFile(config, "stderr", ".txt");
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("gcloud " + String.join(" ", args) + " did not finish in 120 s");
      }
      String stderr = Files.readString(err);
      Files.deleteIfExists(err);
      return new Result(p.exitValue(), out, out + stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
