package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.kube.vocabulary.EventReasons;
import dev.fairlead.lb.baremetal.speaker.election.Addresses;
import dev.fairlead.lb.baremetal.speaker.election.ServiceRef;
import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Events on the Services a VIP belongs to: {@code AddressConflict} (Warning) when a foreign
 * host claims the address, {@code Announcing} (Normal) when this node takes it over. Sent in the
 * background; an API failure only costs the event.
 */
final class ServiceEvents implements Announcer.Observer, AutoCloseable {
  static final String CONFLICT = EventReasons.ADDRESS_CONFLICT;
  static final String ANNOUNCING = EventReasons.ANNOUNCING;
  private static final Logger LOG = LoggerFactory.getLogger(ServiceEvents.class);

  private final KubernetesClient client;
  private final String node;
  private final ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor();

  ServiceEvents(KubernetesClient client, String node) {
    this.client = client;
    this.node = node;
  }

  @Override
  public void acquired(InetAddress vip, List<ServiceRef> services) {
    for (ServiceRef service : services) {
      record(service, "Normal", ANNOUNCING,
          "announcing " + Addresses.format(vip) + " from node " + node + " (ARP/NDP)");
    }
  }

  @Override
  public void conflict(InetAddress vip, Mac mac, String link, String evidence,
      List<ServiceRef> services) {
    for (ServiceRef service : services) {
      record(service, "Warning", CONFLICT, "host " + mac + " " + evidence + " "
          + Addresses.format(vip) + ", seen by node " + node
          + ("-".equals(link) ? "" : " on " + link)
          + "; another device uses this address: remove it there or from the address pool");
    }
  }

  private void record(ServiceRef service, String type, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    Event event = new EventBuilder()
        .withNewMetadata()
        .withName(service.name() + "." + UUID.randomUUID().toString().substring(0, 13))
        .withNamespace(service.namespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("v1")
        .withKind("Service")
        .withNamespace(service.namespace())
        .withName(service.name())
        .withUid(service.uid())
        .endInvolvedObject()
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
        client.v1().events().inNamespace(service.namespace()).resource(event).create();
      } catch (RuntimeException e) {
        LOG.debug("could not record event {} on {}: {}", reason, service, e.getMessage());
      }
    });
  }

  @Override
  public void close() {
    sender.shutdown();
  }
}
