package dev.fairlead.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs every benchmark, each in a fresh JVM (this JVM's {@code java}, class path and the options
 * below), then writes {@code summary.md}. The Maven profile {@code benchmarks} runs it through
 * {@code BenchmarksRun} under failsafe, so the build's JDK toolchain applies.
 */
public final class BenchmarkRunner {
  /** Main class and JVM options of each benchmark, in run order. */
  private static final Map<Class<?>, List<String>> BENCHMARKS = new LinkedHashMap<>();

  static {
    BENCHMARKS.put(ReconcileOverheadBenchmark.class, List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC"));
    BENCHMARKS.put(BurstBenchmark.class, List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC"));
    BENCHMARKS.put(QuietClusterBenchmark.class, List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC"));
    // A roomy heap, so the figure is what the caches retain rather than what a tight heap forces.
    BENCHMARKS.put(HeapBenchmark.class, List.of("-Xmx2g", "-XX:+UseG1GC"));
  }

  private BenchmarkRunner() {}

  /**
   * Runs all benchmarks and the summary.
   *
   * @param args ignored
   * @throws Exception if a benchmark cannot be started
   */
  public static void main(String[] args) throws Exception {
    List<String> failed = runAll();
    if (!failed.isEmpty()) {
      System.err.println("Failed: " + failed);
      System.exit(1);
    }
  }

  /**
   * Runs every benchmark in its own JVM, then the summary in this one.
   *
   * @return the benchmarks (and "summary") that exited with an error
   * @throws IOException if a JVM cannot be started
   * @throws InterruptedException if interrupted
   */
  static List<String> runAll() throws IOException, InterruptedException {
    List<String> failed = new ArrayList<>();
    for (Map.Entry<Class<?>, List<String>> benchmark : BENCHMARKS.entrySet()) {
      int status = runInNewJvm(benchmark.getKey(), benchmark.getValue());
      if (status != 0) {
        failed.add(benchmark.getKey().getSimpleName() + " (exit " + status + ")");
      }
    }
    if (runInNewJvm(Summary.class, List.of()) != 0) {
      failed.add("Summary");
    }
    return failed;
  }

  /** The test class path when run under surefire or failsafe, else this JVM's class path. */
  static String classPath() {
    String test = System.getProperty("surefire.test.class.path");
    return test != null && !test.isBlank() ? test : System.getProperty("java.class.path");
  }

  private static int runInNewJvm(Class<?> main, List<String> options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(options);
    for (String property : List.of("benchmarks.reports", "benchmarks.failOnMiss", "logback.configurationFile")) {
      String value = System.getProperty(property);
      if (value != null) {
        command.add("-D" + property + "=" + value);
      }
    }
    command.addAll(List.of("-cp", classPath(), main.getName()));
    System.out.println();
    System.out.println(">>> " + main.getSimpleName() + " " + options);
    // Copy the child's output through System.out: under failsafe, the fork's own stdout is the
    // channel to Maven, which raw writes from a grandchild would corrupt.
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread copier = Thread.ofPlatform().daemon().name("output-" + main.getSimpleName()).start(() -> {
      try (var reader = new java.io.BufferedReader(
          new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          System.out.println(line);
        }
      } catch (IOException e) {
        // the child is gone
      }
    });
    try {
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return -1;
      }
      copier.join(5_000);
      return process.exitValue();
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
