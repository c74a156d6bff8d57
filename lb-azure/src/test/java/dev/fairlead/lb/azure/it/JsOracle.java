package dev.fairlead.lb.azure.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Azure SDK for JavaScript ({@code @azure/arm-network}, versions locked in {@code
 * src/test/js/package-lock.json}) run with node against the simulator: an ARM client that is not
 * ours. Installed from the npm registry with {@code npm ci} into {@code target/js-oracle} the first
 * time; node and npm are required (CI installs them), so a missing one fails the test loudly.
 */
final class JsOracle {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SOURCE = Path.of("src", "test", "js");
  private static final Path HOME = Path.of("target", "js-oracle");

  private final AzureSim azure;
  private final String endpoint;

  JsOracle(AzureSim azure, String endpoint) {
    this.azure = azure;
    this.endpoint = endpoint;
  }

  /** Copies the npm project into target/ and runs {@code npm ci} unless already installed. */
  static synchronized void install() {
    try {
      Files.createDirectories(HOME);
      boolean changed = false;
      for (String file : List.of("package.json", "package-lock.json", "oracle.mjs")) {
        Path target = HOME.resolve(file);
        byte[] wanted = Files.readAllBytes(SOURCE.resolve(file));
        if (!Files.exists(target) || !java.util.Arrays.equals(wanted, Files.readAllBytes(target))) {
          Files.copy(SOURCE.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
          changed |= !file.equals("oracle.mjs");
        }
      }
      if (changed || !Files.isDirectory(HOME.resolve("node_modules/@azure/arm-network"))) {
        run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), null, 300);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode get(String type, String name) {
    return node("get", type, name, null);
  }

  JsonNode list(String type) {
    return node("list", type, "", null);
  }

  JsonNode put(String type, String name, String body) {
    return node("put", type, name, body);
  }

  private JsonNode node(String command, String type, String name, String stdin) {
    String out = runWithArm(List.of("node", "oracle.mjs", command, type, name), stdin, 120);
    try {
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new IllegalStateException("the JS client printed no JSON: " + out, e);
    }
  }

  private String runWithArm(List<String> command, String stdin, int seconds) {
    return run(command, stdin, seconds, pb -> {
      pb.environment().put("ARM_ENDPOINT", endpoint);
      pb.environment().put("ARM_SUBSCRIPTION", AzureSim.SUBSCRIPTION);
      pb.environment().put("ARM_RESOURCE_GROUP", AzureSim.GROUP);
      pb.environment().put("NODE_EXTRA_CA_CERTS", azure.ca.toAbsolutePath().toString());
    });
  }

  private static String run(List<String> command, String stdin, int seconds) {
    return run(command, stdin, seconds, pb -> {});
  }

  private static String run(List<String> command, String stdin, int seconds,
      java.util.function.Consumer<ProcessBuilder> setup) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
    setup.accept(pb);
    try {
      Path err = Files.createTempFile("js-oracle", ".err");
      pb.redirectError(err.toFile());
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in " + seconds + " s");
      }
      String errors = Files.readString(err);
      Files.deleteIfExists(err);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " failed (" + p.exitValue() + "): " + errors);
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command + " (node and npm are required): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
