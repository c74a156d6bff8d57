package dev.fairlead.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Markdown report in {@code target/reports/<name>.md}, plus the headline figures in {@code
 * <name>.rows.tsv} for {@link Summary}.
 */
final class Report {
  /** Whether a figure meets its target. */
  enum Status {
    /** Meets the target. */
    PASS,
    /** Misses the target. */
    MISS,
    /** Informational; no target. */
    INFO
  }

  /**
   * A headline figure.
   *
   * @param metric what was measured
   * @param value the measured value
   * @param target the target, or empty
   * @param status whether it meets the target
   */
  record Figure(String metric, String value, String target, Status status) {}

  private final String name;
  private final StringBuilder header = new StringBuilder();
  private final StringBuilder body = new StringBuilder();
  private final List<Figure> figures = new ArrayList<>();
  private final long started = System.nanoTime();

  Report(String name, String title) {
    this.name = name;
    header.append("# ").append(title).append("\n\n");
    header.append("Run ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(" on ").append(environment())
        .append(String.format(Locale.ROOT, "; system load average (1 min) at start %.2f", loadAverage()))
        .append(".\n\n");
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static Path directory() {
    return Path.of(System.getProperty("benchmarks.reports", "target/reports"));
  }

  /** Java version, cores and maximum heap of this JVM. */
  static String environment() {
    return machine() + String.format(Locale.ROOT, ", max heap %d MiB", Runtime.getRuntime().maxMemory() >> 20);
  }

  /** Java version, cores and OS. */
  static String machine() {
    return String.format(Locale.ROOT, "Java %s (%s), %d cores, %s %s",
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  Report heading(String text) {
    body.append("## ").append(text).append("\n\n");
    return this;
  }

  Report paragraph(String text) {
    body.append(text).append("\n\n");
    return this;
  }

  Report bullets(String... items) {
    for (String item : items) {
      body.append("- ").append(item).append('\n');
    }
    body.append('\n');
    return this;
  }

  Report table(List<String> columns, List<List<String>> rows) {
    body.append("| ").append(String.join(" | ", columns)).append(" |\n|");
    columns.forEach(h -> body.append(h.matches(".*[0-9].*|.*\\(.*") ? "---:|" : "---|"));
    body.append('\n');
    for (List<String> row : rows) {
      body.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    body.append('\n');
    return this;
  }

  Report code(String text) {
    body.append("```\n").append(text.strip()).append("\n```\n\n");
    return this;
  }

  /**
   * Records a headline figure with a target.
   *
   * @param metric what
   * @param value the value as shown
   * @param target the target as shown
   * @param met whether it meets the target
   */
  void figure(String metric, String value, String target, boolean met) {
    figures.add(new Figure(metric, value, target, met ? Status.PASS : Status.MISS));
  }

  /** Records an informational headline figure. */
  void info(String metric, String value) {
    figures.add(new Figure(metric, value, "", Status.INFO));
  }

  /** Notes a failure of the benchmark itself. */
  void failed(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    heading("Benchmark failed");
    code(trace.toString());
    figures.add(new Figure("benchmark run", "failed: " + failure, "completes", Status.MISS));
  }

  /** Writes the report and the figures, and prints the figures. */
  void write() {
    StringBuilder out = new StringBuilder(header);
    out.append("## Results\n\n");
    out.append(figureTable(figures)).append('\n');
    out.append(body);
    out.append(String.format(Locale.ROOT, "_Benchmark wall time: %.1f s; system load average (1 min) at "
        + "the end %.2f on %d cores (this machine is shared with other processes)._%n",
        (System.nanoTime() - started) / 1e9, loadAverage(), Runtime.getRuntime().availableProcessors()));
    try {
      Files.createDirectories(directory());
      Files.writeString(directory().resolve(name + ".md"), out, StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      for (Figure f : figures) {
        lines.add(String.join("\t", clean(f.metric()), clean(f.value()), clean(f.target()), f.status().name()));
      }
      Files.write(directory().resolve(name + ".rows.tsv"), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println();
    System.out.println("== " + name + " ==");
    for (Figure f : figures) {
      System.out.printf(Locale.ROOT, "  [%s] %s: %s%s%n", f.status(), f.metric(), f.value(),
          f.target().isEmpty() ? "" : " (target " + f.target() + ")");
    }
    System.out.println("  report: " + directory().resolve(name + ".md").toAbsolutePath());
  }

  static String figureTable(List<Figure> figures) {
    StringBuilder table = new StringBuilder("| Figure | Value | Target | |\n|---|---:|---|---|\n");
    for (Figure f : figures) {
      table.append("| ").append(f.metric()).append(" | ").append(f.value()).append(" | ")
          .append(f.target().isEmpty() ? "–" : f.target()).append(" | ")
          .append(switch (f.status()) {
            case PASS -> "✅ met";
            case MISS -> "❌ missed";
            case INFO -> "";
          })
          .append(" |\n");
    }
    return table.toString();
  }

  private static String clean(String text) {
    return text.replace('\t', ' ').replace('\n', ' ');
  }

  // ---- statistics ---------------------------------------------------------------------------

  /** Nearest-rank percentile of sorted samples. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
  }

  /** p50, p90, p99, p99.9, max and mean of nanosecond samples, as milliseconds. */
  static List<String> latencyRow(String label, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0);
    return List.of(label, String.valueOf(sorted.length), ms(percentile(sorted, 50)),
        ms(percentile(sorted, 90)), ms(percentile(sorted, 99)), ms(percentile(sorted, 99.9)),
        ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]), ms((long) mean));
  }

  static final List<String> LATENCY_HEADER =
      List.of("Case", "Samples", "p50 (ms)", "p90 (ms)", "p99 (ms)", "p99.9 (ms)", "max (ms)", "mean (ms)");

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /** Process CPU time so far, in nanoseconds, if the JVM reports it. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** CPU time of every live platform thread, by thread id, with names. */
  static Map<Long, Object[]> threadCpu() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Object[]> result = new java.util.HashMap<>();
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          result.put(info.getThreadId(), new Object[] {info.getThreadName(), cpu});
        }
      }
    }
    return result;
  }

  /**
   * CPU used between two {@link #threadCpu()} snapshots, by thread-name pattern (digits folded), plus
   * what the process used outside those threads (JIT compiler, GC, VM threads).
   */
  static List<List<String>> cpuByThreadGroup(Map<Long, Object[]> before, Map<Long, Object[]> after,
      long processCpuNanos) {
    Map<String, Long> groups = new java.util.TreeMap<>();
    Map<String, Integer> sizes = new java.util.TreeMap<>();
    long accounted = 0;
    for (Map.Entry<Long, Object[]> e : after.entrySet()) {
      Object[] earlier = before.get(e.getKey());
      long used = (long) e.getValue()[1] - (earlier == null ? 0 : (long) earlier[1]);
      if (used > 0) {
        String name = ((String) e.getValue()[0]).replaceAll("[0-9]+", "N");
        String group = name.isEmpty() ? "(unnamed)" : name;
        groups.merge(group, used, Long::sum);
        sizes.merge(group, 1, Integer::sum);
        accounted += used;
      }
    }
    List<List<String>> rows = new ArrayList<>();
    groups.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .filter(e -> e.getValue() >= 5_000_000)
        .forEach(e -> rows.add(List.of("`" + e.getKey() + "`", String.valueOf(sizes.get(e.getKey())),
            String.format(Locale.ROOT, "%.2f s", e.getValue() / 1e9))));
    rows.add(List.of("JIT compiler, GC and other VM threads (process total minus the above)", "",
        String.format(Locale.ROOT, "%.2f s", Math.max(0, processCpuNanos - accounted) / 1e9)));
    return rows;
  }


  /** A benchmark body: fills the report, throws on any failure. */
  @FunctionalInterface
  interface Body {
    void run(Report report) throws Exception;
  }

  /**
   * Runs a benchmark's body, records a failure in the report instead of losing it, writes the
   * report and exits with 0 or 1 (each benchmark runs in its own JVM).
   */
  static void runAndExit(Report report, Body body) {
    int status = 0;
    try {
      body.run(report);
    } catch (Throwable t) {
      report.failed(t);
      status = 1;
    }
    report.write();
    System.exit(status);
  }
}
