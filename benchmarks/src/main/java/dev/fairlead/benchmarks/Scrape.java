package dev.fairlead.benchmarks;

import dev.fairlead.controller.metrics.ControllerMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The controller's own metrics, read the way Prometheus would (text exposition). */
final class Scrape {
  private final Map<String, Double> samples = new LinkedHashMap<>();

  private Scrape(String text) {
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      try {
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      } catch (NumberFormatException e) {
        // timestamps or exotic values: not needed here
      }
    }
  }

  static Scrape of(ControllerMetrics metrics) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Scrape(out.toString(StandardCharsets.UTF_8));
  }

  /** The value of an exact sample, such as {@code fairlead_queue_depth}, or 0. */
  double value(String sample) {
    return samples.getOrDefault(sample, 0.0);
  }

  /** The sum of every sample whose name (before labels) is {@code name}. */
  double sum(String name) {
    return samples.entrySet().stream()
        .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  /** Every sample whose name starts with {@code prefix}. */
  Map<String, Double> matching(String prefix) {
    Map<String, Double> result = new LinkedHashMap<>();
    samples.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        result.put(k, v);
      }
    });
    return result;
  }

  /** Cumulative classic buckets of an unlabelled histogram: (upper bound, count). */
  List<double[]> buckets(String histogram) {
    List<double[]> buckets = new ArrayList<>();
    samples.forEach((k, v) -> {
      if (k.startsWith(histogram + "_bucket{le=\"")) {
        String le = k.substring(k.indexOf("le=\"") + 4, k.indexOf('"', k.indexOf("le=\"") + 4));
        buckets.add(new double[] {"+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le), v});
      }
    });
    return buckets;
  }

  /** The upper bound of the bucket holding the p-th percentile, as text. */
  static String bucketPercentile(List<double[]> buckets, double p) {
    if (buckets.isEmpty()) {
      return "n/a";
    }
    double total = buckets.getLast()[1];
    for (double[] bucket : buckets) {
      if (bucket[1] >= Math.ceil(p / 100 * total)) {
        return Double.isInfinite(bucket[0]) ? "> last bucket" : "≤ " + seconds(bucket[0]);
      }
    }
    return "n/a";
  }

  static String seconds(double value) {
    return value < 1 ? String.format(Locale.ROOT, "%.1f ms", value * 1000)
        : String.format(Locale.ROOT, "%.1f s", value);
  }

  /** Bucket counts of {@code after} minus those of {@code before} (same bounds). */
  static List<double[]> minus(List<double[]> after, List<double[]> before) {
    List<double[]> result = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      double earlier = i < before.size() ? before.get(i)[1] : 0;
      result.add(new double[] {after.get(i)[0], after.get(i)[1] - earlier});
    }
    return result;
  }

  /** Rows of a bucket table: upper bound, cumulative count, cumulative share. */
  static List<List<String>> bucketRows(List<double[]> buckets) {
    List<List<String>> rows = new ArrayList<>();
    double total = buckets.isEmpty() ? 0 : buckets.getLast()[1];
    for (double[] bucket : buckets) {
      rows.add(List.of(Double.isInfinite(bucket[0]) ? "+Inf" : "≤ " + seconds(bucket[0]),
          String.format(Locale.ROOT, "%.0f", bucket[1]),
          String.format(Locale.ROOT, "%.1f %%", total == 0 ? 0 : 100 * bucket[1] / total)));
    }
    return rows;
  }
}
