package dev.fairlead.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark (each in its own JVM) and the summary. Its name matches neither the surefire
 * nor the failsafe default patterns, so only the {@code benchmarks} profile runs it.
 */
class BenchmarksRun {

  @Test
  void allBenchmarks() throws Exception {
    List<String> failed = BenchmarkRunner.runAll();
    assertTrue(failed.isEmpty(), () -> "benchmarks that failed (see target/reports): " + failed);
  }
}
