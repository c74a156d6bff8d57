package dev.fairlead.controller.kube;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.reconcile.EventRecorder;
import dev.fairlead.controller.reconcile.WriteGate;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events off the reconcile path, like client-go's event broadcaster: reconciles
 * only enqueue; one background thread writes. A repeat of the same (object, type, reason, message)
 * within ten minutes increments the existing Event's {@code count} instead of creating another, so
 * a Service failing every few seconds for an hour does not flood etcd.
 */
public final class KubeEventRecorder implements EventRecorder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeEventRecorder.class);
  private static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
  private static final int MAX_REMEMBERED = 4096;

  private record Pending(Service service, String type, String reason, String message) {}

  private record Seen(String namespace, String name, int count, Instant last) {}

  private final KubernetesClient client;
  private final WriteGate gate;
  private final String component;
  private final String instance;
  private final Clock clock;
  private final ControllerMetrics metrics;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(10_000);
  private final Map<String, Seen> recent =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };
  private final Thread writer;

  /**
   * Creates the recorder and starts its writer thread.
   *
   * @param client the client
   * @param gate the leadership gate; events are written only while leading
   * @param component the reporting component, such as {@code fairlead-controller}
   * @param instance this replica's identity
   * @param clock the clock
   * @param metrics counts dropped events
   */
  public KubeEventRecorder(
      KubernetesClient client,
      WriteGate gate,
      String component,
      String instance,
      Clock clock,
      ControllerMetrics metrics) {
    this.client = client;
    this.gate = gate;
    this.component = component;
    this.instance = instance;
    this.clock = clock;
    this.metrics = metrics;
    this.writer = Thread.ofPlatform().daemon().name("event-recorder").start(this::drain);
  }

  @Override
  public void normal(Service service, String reason, String message) {
    offer(new Pending(service, "Normal", reason, message));
  }

  @Override
  public void warning(Service service, String reason, String message) {
    LOG.warn("{}/{}: {}: {}", service.getMetadata().getNamespace(),
        service.getMetadata().getName(), reason, message);
    offer(new Pending(service, "Warning", reason, message));
  }

  private void offer(Pending pending) {
    if (!queue.offer(pending)) {
      metrics.eventDropped();
    }
  }

  /**
   * Waits until every queued event has been written, for tests and shutdown.
   *
   * @param timeout how long to wait at most
   * @return true if the queue drained in time
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queue.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return queue.isEmpty();
  }

  private void drain() {
    while (!Thread.currentThread().isInterrupted()) {
      Pending pending;
      try {
        pending = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (!gate.isOpen()) {
        metrics.eventDropped();
        continue;
      }
      try {
        write(pending);
      } catch (KubernetesClientException e) {
        metrics.eventDropped();
        LOG.debug("Could not record event {}: {}", pending.reason(), e.getMessage());
      }
    }
  }

  private void write(Pending pending) {
    var meta = pending.service().getMetadata();
    String key = String.join("\u0000", meta.getUid(), pending.type(), pending.reason(), pending.message());
    Instant now = clock.instant();
    String timestamp = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    Seen seen = recent.get(key);
    if (seen != null && Duration.between(seen.last(), now).compareTo(AGGREGATION_WINDOW) < 0) {
      int count = seen.count() + 1;
      try {
        Event existing = new EventBuilder().withNewMetadata().withNamespace(seen.namespace())
            .withName(seen.name()).endMetadata().build();
        client.v1().events().resource(existing) // names the Event: no GET before the PATCH
            .patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"count\":" + count + ",\"lastTimestamp\":\"" + timestamp + "\"}");
        recent.put(key, new Seen(seen.namespace(), seen.name(), count, now));
        return;
      } catch (KubernetesClientException e) {
        recent.remove(key); // the event expired or was deleted: create a new one below
      }
    }
    String name = meta.getName() + "." + Long.toHexString(now.toEpochMilli())
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000));
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(meta.getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Service")
                    .withNamespace(meta.getNamespace())
                    .withName(meta.getName())
                    .withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion())
                    .build())
            .withType(pending.type())
            .withReason(pending.reason())
            .withMessage(pending.message())
            .withCount(1)
            .withFirstTimestamp(timestamp)
            .withLastTimestamp(timestamp)
            .withNewSource()
            .withComponent(component)
            .endSource()
            .withReportingComponent(component)
            .withReportingInstance(instance)
            .build();
    client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    recent.put(key, new Seen(meta.getNamespace(), name, 1, now));
  }

  @Override
  public void close() {
    flush(Duration.ofSeconds(2));
    writer.interrupt();
  }
}
