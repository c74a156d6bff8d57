package dev.fairlead.lb.baremetal.speaker.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short commands with a bounded wait; used to build and inspect the namespace topology. */
final class Shell {
  private Shell() {}

  /** A finished command. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs the command, output and errors merged, at most {@code timeoutSeconds}. */
  static Result run(int timeoutSeconds, List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[][] out = new byte[1][];
      Thread reader = Thread.ofVirtual().start(() -> {
        try {
          out[0] = p.getInputStream().readAllBytes();
        } catch (IOException e) {
          out[0] = new byte[0];
        }
      });
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        reader.join(1000);
        return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
      }
      reader.join(5000);
      return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command that must succeed. */
  static String must(String... command) {
    Result r = run(30, List.of(command));
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): "
          + r.output().strip());
    }
    return r.output();
  }

  /** Runs a command whose failure is acceptable (clean-up). */
  static Result quiet(String... command) {
    return run(30, List.of(command));
  }

  /** Whether {@code tool} is on the PATH. */
  static boolean has(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Whether this process runs as root (needed for namespaces and raw sockets). */
  static boolean root() {
    Result r = run(5, List.of("id", "-u"));
    return r.ok() && r.output().strip().equals("0");
  }
}
