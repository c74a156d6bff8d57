package dev.fairlead.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Combines the headline figures of every benchmark into {@code target/reports/summary.md} and prints
 * them. Exits with 1 if a figure missed its target and {@code -Dbenchmarks.failOnMiss=true}.
 */
public final class Summary {
  /** The benchmarks in report order: file name and title. */
  private static final String[][] BENCHMARKS = {
    {"reconcile-overhead", "1. Reconcile overhead"},
    {"burst", "2. Burst of 1,000 Services"},
    {"quiet-cluster", "3. Quiet cluster"},
    {"heap", "4. Heap"},
  };

  private Summary() {}

  /**
   * Writes the summary.
   *
   * @param args ignored
   * @throws IOException if a report cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Path dir = Report.directory();
    StringBuilder out = new StringBuilder("# Fairlead benchmarks: summary\n\n");
    out.append("Generated ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" on ")
        .append(Report.machine()).append(" (each benchmark ran in its own JVM; see its report for the "
            + "JVM options and the system load). Targets are the design document's.\n\n");
    int missed = 0;
    for (String[] benchmark : BENCHMARKS) {
      Path rows = dir.resolve(benchmark[0] + ".rows.tsv");
      out.append("## ").append(benchmark[1]).append("\n\n");
      if (!Files.exists(rows)) {
        out.append("Not run (no `").append(rows.getFileName()).append("`).\n\n");
        continue;
      }
      List<Report.Figure> figures = new ArrayList<>();
      for (String line : Files.readAllLines(rows, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", -1);
        Report.Figure figure = new Report.Figure(f[0], f[1], f[2], Report.Status.valueOf(f[3]));
        figures.add(figure);
        if (figure.status() == Report.Status.MISS) {
          missed++;
        }
      }
      out.append(Report.figureTable(figures)).append('\n');
      out.append("Details: [").append(benchmark[0]).append(".md](").append(benchmark[0]).append(".md)\n\n");
    }
    out.append(missed == 0 ? "All targets met.\n" : missed + " figure(s) missed their target.\n");
    Files.createDirectories(dir);
    Path summary = dir.resolve("summary.md");
    Files.writeString(summary, out, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(out);
    System.out.println("Summary: " + summary.toAbsolutePath());
    if (missed > 0 && Boolean.getBoolean("benchmarks.failOnMiss")) {
      System.err.println(missed + " benchmark figure(s) missed their target (benchmarks.failOnMiss=true)");
      System.exit(1);
    }
  }
}
