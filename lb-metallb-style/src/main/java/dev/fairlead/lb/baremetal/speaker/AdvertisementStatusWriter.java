package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.L2Advertisement;
import dev.fairlead.lb.baremetal.crd.L2AdvertisementStatus;
import dev.fairlead.lb.baremetal.speaker.election.Advertisement;
import dev.fairlead.lb.baremetal.speaker.election.Advertisements;
import dev.fairlead.lb.baremetal.speaker.election.PoolInfo;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes L2Advertisement status ({@code Valid} condition naming the offending field, selected
 * pools) and a Warning event for each invalid generation.
 *
 * <p>Every speaker validates every advertisement (each needs the result for its own election), but
 * only one writes: the live speaker with the smallest node name, a choice every member of a group
 * makes identically without talking. The status is a pure function of the objects, so even two
 * writers (each side of a network partition) write the same value, and a write happens only when
 * the stored status differs: N speakers never fight over it.
 */
final class AdvertisementStatusWriter implements AutoCloseable {
  static final String INVALID_REASON = "InvalidL2Advertisement";
  private static final Logger LOG = LoggerFactory.getLogger(AdvertisementStatusWriter.class);

  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;
  private final ExecutorService background =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("l2ad-status").factory());
  private final Map<String, L2AdvertisementStatus> pending = new ConcurrentHashMap<>();
  private final Map<String, Long> warnedGeneration = new HashMap<>();

  AdvertisementStatusWriter(KubernetesClient client, String node, Clock clock) {
    this.client = client;
    this.events = new EventRecorder(client, node);
    this.clock = clock;
  }

  /**
   * Brings the status of every advertisement up to date if this speaker is the writer.
   *
   * @param isWriter whether this speaker writes (smallest live member name)
   * @param objects the L2Advertisements as cached
   * @param pools the pools
   */
  void update(boolean isWriter, List<L2Advertisement> objects, List<PoolInfo> pools) {
    if (!isWriter) {
      warnedGeneration.clear(); // a later writer turn reports again; events are cheap and rare
      return;
    }
    for (L2Advertisement object : objects) {
      String name = object.getMetadata().getName();
      Advertisement parsed = L2AdvertisementReader.parse(name, object.getSpec());
      L2AdvertisementStatus desired = desired(object, parsed, pools);
      if (!sameStatus(object.getStatus(), desired) && !sameStatus(pending.get(name), desired)) {
        pending.put(name, desired);
        background.execute(() -> write(name, desired));
      }
      if (parsed instanceof Advertisement.Invalid invalid) {
        Long generation = object.getMetadata().getGeneration();
        long g = generation == null ? 0 : generation;
        if (!Objects.equals(warnedGeneration.put(name, g), g)) {
          LOG.warn("L2Advertisement {} is not valid and selects nothing: {}", name, invalid.message());
          warn(object, invalid.message());
        }
      } else {
        warnedGeneration.remove(name);
      }
    }
  }

  private L2AdvertisementStatus desired(L2Advertisement object, Advertisement parsed,
      List<PoolInfo> pools) {
    boolean valid = parsed instanceof Advertisement.Valid;
    Optional<Condition> previous = Optional.ofNullable(object.getStatus())
        .map(L2AdvertisementStatus::getConditions).orElse(List.of()).stream()
        .filter(c -> "Valid".equals(c.getType())).findFirst();
    String status = valid ? "True" : "False";
    String transition = previous.filter(c -> status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .orElse(DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    Condition condition = new ConditionBuilder()
        .withType("Valid")
        .withStatus(status)
        .withReason(valid ? "Valid" : "InvalidField")
        .withMessage(switch (parsed) {
          case Advertisement.Valid v -> "selects " + describe(Advertisements.selectedPools(v, pools));
          case Advertisement.Invalid i -> i.message() + "; this advertisement selects nothing";
        })
        .withObservedGeneration(object.getMetadata().getGeneration())
        .withLastTransitionTime(transition)
        .build();
    L2AdvertisementStatus result = new L2AdvertisementStatus();
    result.setConditions(List.of(condition));
    result.setSelectedPools(parsed instanceof Advertisement.Valid v
        ? Advertisements.selectedPools(v, pools) : List.of());
    return result;
  }

  private static String describe(List<String> pools) {
    return pools.isEmpty() ? "no existing pool" : "pools " + String.join(", ", pools);
  }

  /** Equal apart from the transition time, which only changes with the status. */
  private static boolean sameStatus(L2AdvertisementStatus a, L2AdvertisementStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.getSelectedPools().equals(b.getSelectedPools())
        && a.getConditions().size() == b.getConditions().size()
        && a.getConditions().stream().allMatch(c -> b.getConditions().stream().anyMatch(d ->
            Objects.equals(c.getType(), d.getType()) && Objects.equals(c.getStatus(), d.getStatus())
                && Objects.equals(c.getReason(), d.getReason())
                && Objects.equals(c.getMessage(), d.getMessage())
                && Objects.equals(c.getObservedGeneration(), d.getObservedGeneration())));
  }

  private void write(String name, L2AdvertisementStatus status) {
    L2Advertisement patch = new L2Advertisement();
    patch.setMetadata(new ObjectMetaBuilder().withName(name).build());
    patch.setStatus(status);
    try {
      client.resources(L2Advertisement.class).resource(patch).patchStatus();
    } catch (KubernetesClientException e) {
      LOG.debug("could not update the status of L2Advertisement {}: {}", name, e.getMessage());
    } finally {
      pending.remove(name, status);
    }
  }

  private void warn(L2Advertisement object, String message) {
    events.record(new ObjectReferenceBuilder()
            .withApiVersion(IPAddressPool.GROUP + "/" + IPAddressPool.VERSION)
            .withKind("L2Advertisement").withName(object.getMetadata().getName())
            .withUid(object.getMetadata().getUid()).build(),
        "default", "Warning", INVALID_REASON,
        message + "; this L2Advertisement selects nothing until it is fixed");
  }

  @Override
  public void close() {
    background.shutdown();
    events.close();
  }
}
