package dev.fairlead.lb.baremetal.speaker.bgp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisement;
import dev.fairlead.lb.baremetal.crd.BGPAdvertisementStatus;
import dev.fairlead.lb.baremetal.crd.BGPPeer;
import dev.fairlead.lb.baremetal.crd.BGPPeerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's entry of {@code status.nodes} of BGPPeers and BGPAdvertisements with JSON
 * merge patches (RFC 7386), so speakers on different nodes never overwrite each other and no read is
 * needed. Only changes are written, in the background, the latest value winning.
 */
final class StatusWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String node;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "bgp-status");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Object> written = new HashMap<>();
  private final Map<String, Object> pending = new LinkedHashMap<>();

  StatusWriter(KubernetesClient client, String node) {
    this.client = client;
    this.node = node;
  }

  /**
   * Sets this node's session entry of a peer; null removes it.
   *
   * @param peer the BGPPeer's name
   * @param session the entry
   */
  void peer(String peer, BGPPeerStatus.Session session) {
    submit("BGPPeer/" + peer, session);
  }

  /**
   * Sets this node's entry of an advertisement; null removes it.
   *
   * @param advertisement the BGPAdvertisement's name
   * @param status the entry
   */
  void advertisement(String advertisement, BGPAdvertisementStatus.Node status) {
    submit("BGPAdvertisement/" + advertisement, status);
  }

  private synchronized void submit(String key, Object value) {
    Object marker = value == null ? Removed.INSTANCE : value;
    boolean queued = pending.containsKey(key);
    pending.put(key, marker);
    if (!queued) {
      writer.execute(() -> flush(key));
    }
  }

  private enum Removed { INSTANCE }

  private void flush(String key) {
    Object value;
    synchronized (this) {
      value = pending.remove(key);
      if (value == null || Objects.equals(written.get(key), value)) {
        return;
      }
    }
    String kind = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    Map<String, Object> entry = new HashMap<>();
    entry.put(node, value == Removed.INSTANCE ? null : fields((Record) value));
    try {
      String patch = JSON.writeValueAsString(Map.of("status", Map.of("nodes", entry)));
      Class<? extends HasMetadata> type = kind.equals("BGPPeer") ? BGPPeer.class : BGPAdvertisement.class;
      client.resources(type).withName(name).subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      synchronized (this) {
        written.put(key, value);
      }
    } catch (Exception e) {
      // Deleted objects have no status to write; anything else is retried with the next change.
      LOG.debug("could not write the status of {}: {}", key, e.getMessage());
    }
  }

  /** Every component, nulls included: in a merge patch a null removes a field set earlier. */
  private static Map<String, Object> fields(Record value) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (java.lang.reflect.RecordComponent c : value.getClass().getRecordComponents()) {
      try {
        fields.put(c.getName(), c.getAccessor().invoke(value));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return fields;
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}
