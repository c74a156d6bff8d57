package dev.fairlead.controller.kube;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.reconcile.EventRecorder;
import dev.fairlead.controller.reconcile.WriteGate;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
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
 * a Service failing every few seconds for an hour does not flood etcd; the Warning's log line is
 * written once per such window too, so a user error that is retried logs one line, not one per
 * retry. Events about cluster-scoped objects go to the {@code default} namespace, as Kubernetes
 * does.
 */
public final class KubeEventRecorder implements EventRecorder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubeEventRecorder.class);
  private static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
  private static final int MAX_REMEMBERED = 4096;

  private record Pending(HasMetadata object, String type, String reason, String message) {}

  private record Seen(String namespace, String name, int count, Instant last) {}

  private final KubernetesClient client;
  private final WriteGate gate;
  private final String component;
  private final String instance;
  private final Clock clock;
  private final ControllerMetrics metrics;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(10_000);
  private final Map<String, Seen> recent = recentlyUsed();
  private final Map<String, Instant> logged = recentlyUsed();
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
  public void normal(HasMetadata object, String reason, String message) {
    offer(new Pending(object, "Normal", reason, message));
  }

  @Override
  public void warning(HasMetadata object, String reason, String message) {
    String who = object.getMetadata().getNamespace() == null ? object.getMetadata().getName()
        : object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    if (firstInWindow(String.join("\u0000", who, reason, message))) {
      LOG.warn("{}: {}: {}", who, reason, message);
    }
    offer(new Pending(object, "Warning", reason, message));
  }

  /** A map that forgets its least recently used entries beyond {@link #MAX_REMEMBERED}. */
  private static <V> Map<String, V> recentlyUsed() {
    return new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_REMEMBERED;
      }
    };
  }

  private boolean firstInWindow(String key) {
    Instant now = clock.instant();
    synchronized (logged) {
      Instant last = logged.get(key);
      if (last != null && Duration.between(last, now).compareTo(AGGREGATION_WINDOW) < 0) {
        return false;
      }
      logged.put(key, now);
      return true;
    }
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
    var meta = pending.object().getMetadata();
    String namespace = meta.getNamespace() == null ? "default" : meta.getNamespace();
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
            .withNamespace(namespace)
            .endMetadata()
            .withInvolvedObject(involved(pending.object()))
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
    client.v1().events().inNamespace(namespace).resource(event).create();
    recent.put(key, new Seen(namespace, name, 1, now));
  }

  private static ObjectReference involved(HasMetadata object) {
    var meta = object.getMetadata();
    return new ObjectReferenceBuilder()
        .withApiVersion(object.getApiVersion() == null ? "v1" : object.getApiVersion())
        .withKind(object.getKind() == null ? "Service" : object.getKind())
        .withNamespace(meta.getNamespace())
        .withName(meta.getName())
        .withUid(meta.getUid())
        .withResourceVersion(meta.getResourceVersion())
        .build();
  }

  @Override
  public void close() {
    flush(Duration.ofSeconds(2));
    writer.interrupt();
  }
}
