package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.kube.vocabulary.EventReasons;
import dev.fairlead.lb.baremetal.speaker.election.Addresses;
import dev.fairlead.lb.baremetal.speaker.election.ServiceRef;
import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.util.List;

/**
 * Records Events on the Services a VIP belongs to: {@code AddressConflict} (Warning) when a foreign
 * host claims the address, {@code Announcing} (Normal) when this node takes it over, {@code
 * AnnounceFailed} (Warning) when this node won it but lacks every interface it may use. Sent in the
 * background; an API failure only costs the event.
 */
final class ServiceEvents implements Announcer.Observer, AutoCloseable {
  static final String CONFLICT = EventReasons.ADDRESS_CONFLICT;
  static final String ANNOUNCING = EventReasons.ANNOUNCING;
  static final String ANNOUNCE_FAILED = EventReasons.ANNOUNCE_FAILED;

  private final String node;
  private final EventRecorder events;

  ServiceEvents(KubernetesClient client, String node) {
    this.node = node;
    this.events = new EventRecorder(client, node);
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

  @Override
  public void noInterface(InetAddress vip, java.util.Set<String> interfaces,
      List<ServiceRef> services) {
    for (ServiceRef service : services) {
      record(service, "Warning", ANNOUNCE_FAILED, "node " + node + " is elected for "
          + Addresses.format(vip) + " but has none of the interfaces " + interfaces
          + " its L2Advertisement allows; the address is not answered until one appears there");
    }
  }

  private void record(ServiceRef service, String type, String reason, String message) {
    events.record(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Service")
        .withNamespace(service.namespace()).withName(service.name()).withUid(service.uid()).build(),
        service.namespace(), type, reason, message);
  }

  @Override
  public void close() {
    events.close();
  }
}
