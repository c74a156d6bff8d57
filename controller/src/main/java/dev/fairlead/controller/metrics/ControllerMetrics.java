package dev.fairlead.controller.metrics;

import dev.fairlead.lb.api.ApiCallListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The controller's Prometheus metrics. One instance per controller, with its own registry (no
 * global state, so tests and benchmarks can run several controllers in one JVM).
 */
public final class ControllerMetrics {
  private static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter reconciles;
  private final Histogram reconcileDuration;
  private final Counter providerCalls;
  private final Histogram providerCallDuration;
  private final Counter cloudApiCalls;
  private final Histogram cloudApiCallDuration;
  private final Counter eventsDropped;

  /** Creates the metrics in a fresh registry, with JVM, process and build information. */
  public ControllerMetrics() {
    JvmMetrics.builder().register(registry); // jvm_* and process_* (CPU, memory, GC, threads, fds)
    Info.builder()
        .name("fairlead_build_info")
        .help("The running Fairlead build")
        .labelNames("version", "java_version")
        .register(registry)
        .setLabelValues(version(), Runtime.version().toString());
    reconciles =
        Counter.builder()
            .name("fairlead_reconcile_total")
            .help("Service reconciles by result (done, retry_later, backoff)")
            .labelNames("result")
            .register(registry);
    reconcileDuration =
        Histogram.builder()
            .name("fairlead_reconcile_duration_seconds")
            .help("Time to reconcile one Service, provider calls included")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    providerCalls =
        Counter.builder()
            .name("fairlead_provider_calls_total")
            .help("Calls from the controller to the provider by operation and result")
            .labelNames("provider", "operation", "result")
            .register(registry);
    providerCallDuration =
        Histogram.builder()
            .name("fairlead_provider_call_duration_seconds")
            .help("Provider call latency by operation")
            .labelNames("provider", "operation")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    cloudApiCalls =
        Counter.builder()
            .name("fairlead_cloud_api_calls_total")
            .help("Infrastructure API calls made by the provider, by operation and outcome")
            .labelNames("provider", "operation", "outcome")
            .register(registry);
    cloudApiCallDuration =
        Histogram.builder()
            .name("fairlead_cloud_api_call_duration_seconds")
            .help("Infrastructure API call latency by operation")
            .labelNames("provider", "operation")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(registry);
    eventsDropped =
        Counter.builder()
            .name("fairlead_events_dropped_total")
            .help("Kubernetes Events not recorded because the event queue was full or the API failed")
            .register(registry);
  }

  /**
   * The registry to scrape.
   *
   * @return the registry
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Exposes a gauge read at scrape time.
   *
   * @param name the metric name
   * @param help the help text
   * @param value reads the current value
   */
  public void gauge(String name, String help, IntSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(callback -> callback.call(value.getAsInt()))
        .register(registry);
  }

  /**
   * Exposes a family of gauges with labels, read at scrape time.
   *
   * @param name the metric name
   * @param help the help text
   * @param labelNames the label names
   * @param samples label values (in {@code labelNames} order) to the current value
   */
  public void gauges(String name, String help, List<String> labelNames,
      Supplier<Map<List<String>, Double>> samples) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(labelNames.toArray(String[]::new))
        .callback(callback -> samples.get().forEach(
            (labels, value) -> callback.call(value, labels.toArray(String[]::new))))
        .register(registry);
  }

  /**
   * Records one reconcile.
   *
   * @param result its result
   * @param duration how long it took
   */
  public void reconciled(String result, Duration duration) {
    reconciles.labelValues(result).inc();
    reconcileDuration.observe(seconds(duration));
  }

  /**
   * Records one provider call.
   *
   * @param provider the provider name
   * @param operation the SPI method
   * @param result {@code ok} or the exception's simple name
   * @param duration how long it took
   */
  public void providerCall(String provider, String operation, String result, Duration duration) {
    providerCalls.labelValues(provider, operation, result).inc();
    providerCallDuration.labelValues(provider, operation).observe(seconds(duration));
  }

  /**
   * The listener handed to the provider for its own API calls.
   *
   * @param provider the provider name
   * @return a listener feeding {@code fairlead_cloud_api_calls_total}
   */
  public ApiCallListener cloudApiListener(String provider) {
    return (operation, outcome, duration) -> {
      cloudApiCalls.labelValues(provider, operation, outcome).inc();
      cloudApiCallDuration.labelValues(provider, operation).observe(seconds(duration));
    };
  }

  /** Counts one event that could not be recorded. */
  public void eventDropped() {
    eventsDropped.inc();
  }

  private static String version() {
    String version = ControllerMetrics.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
