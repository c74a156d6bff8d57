package dev.fairlead.lb.baremetal.speaker;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the speaker's Events (on Services, BGPPeers) in the background; an API failure only costs
 * the event.
 */
public final class EventRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final String node;
  private final ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * Creates a recorder.
   *
   * @param client the API client
   * @param node this node, the events' reporting instance
   */
  public EventRecorder(KubernetesClient client, String node) {
    this.client = client;
    this.node = node;
  }

  /**
   * Records an event.
   *
   * @param involved the object it is about
   * @param namespace where the Event is stored ({@code default} for cluster-scoped objects)
   * @param type Normal or Warning
   * @param reason a CamelCase reason
   * @param message the text
   */
  public void record(ObjectReference involved, String namespace, String type, String reason,
      String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Event event = new EventBuilder()
        .withNewMetadata()
        .withName(involved.getName() + "." + UUID.randomUUID().toString().substring(0, 13))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(involved)
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource().withComponent("fairlead-speaker").withHost(node).endSource()
        .withReportingComponent("fairlead-speaker")
        .withReportingInstance(node)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
    sender.execute(() -> {
      try {
        client.v1().events().inNamespace(namespace).resource(event).create();
      } catch (RuntimeException e) {
        LOG.debug("could not record event {} on {}: {}", reason, involved.getName(), e.getMessage());
      }
    });
  }

  /** Stops accepting events; those queued are still sent. */
  @Override
  public void close() {
    sender.shutdown();
  }
}
