package dev.fairlead.lb.baremetal;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolStatus;
import dev.fairlead.lb.baremetal.ipam.Allocator;
import dev.fairlead.lb.baremetal.ipam.Pool;
import dev.fairlead.lb.baremetal.ipam.PoolCatalog;
import io.fabric8.kubernetes.api.model.EventBuilder;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes pool usage ({@code status.allocatedIPv4}, {@code freeIPv4}, ...) and pool errors
 * (invalid or overlapping addresses) on the IPAddressPools, off the allocation path and only when
 * they change; an error also becomes one Warning event on the pool.
 */
final class PoolStatusWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PoolStatusWriter.class);

  private record Usage(long allocatedV4, long allocatedV6, long freeV4, long freeV6, String error) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("pool-status").factory());
  private final Map<String, Usage> written = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, String> reportedErrors = new HashMap<>();

  PoolStatusWriter(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Queues a status write for every pool whose usage changed. Called under the provider lock. */
  void update(PoolCatalog catalog, Allocator allocator) {
    Map<String, Usage> usage = new HashMap<>();
    for (Pool pool : catalog.pools()) {
      long v4 = allocator.allocated(pool, IpFamily.IPV4);
      long v6 = allocator.allocated(pool, IpFamily.IPV6);
      usage.put(pool.name(), new Usage(v4, v6, pool.capacity(IpFamily.IPV4) - v4,
          Math.max(0, pool.capacity(IpFamily.IPV6) - v6), null));
    }
    catalog.errors().forEach((name, error) -> usage.put(name, new Usage(0, 0, 0, 0, error)));
    usage.forEach((name, value) -> {
      if (!value.equals(written.get(name))) {
        written.put(name, value);
        writer.execute(() -> write(name, value));
      }
    });
  }

  /** Reports each new pool error once, as a Warning event on the pool. */
  void reportErrors(PoolCatalog catalog, List<IPAddressPool> resources) {
    reportedErrors.keySet().retainAll(catalog.errors().keySet());
    for (IPAddressPool pool : resources) {
      String name = pool.getMetadata().getName();
      String error = catalog.errors().get(name);
      if (error != null && !error.equals(reportedErrors.put(name, error))) {
        LOG.warn("IPAddressPool {} is not used: {}", name, error);
        writer.execute(() -> warn(pool, error));
      }
    }
  }

  private void write(String name, Usage usage) {
    try {
      client.resources(IPAddressPool.class).withName(name).editStatus(pool -> {
        IPAddressPoolStatus status = new IPAddressPoolStatus();
        status.setAllocatedIPv4(usage.allocatedV4());
        status.setAllocatedIPv6(usage.allocatedV6());
        status.setFreeIPv4(usage.freeV4());
        status.setFreeIPv6(usage.freeV6());
        status.setError(usage.error());
        pool.setStatus(status);
        return pool;
      });
    } catch (KubernetesClientException e) {
      LOG.debug("Could not update the status of IPAddressPool {}: {}", name, e.getMessage());
      written.remove(name);
    }
  }

  private void warn(IPAddressPool pool, String error) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    String namespace = Objects.requireNonNullElse(client.getNamespace(), "default");
    try {
      client.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(pool.getMetadata().getName() + ".").withNamespace(namespace)
          .endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder()
              .withApiVersion(IPAddressPool.GROUP + "/" + IPAddressPool.VERSION)
              .withKind("IPAddressPool").withName(pool.getMetadata().getName())
              .withUid(pool.getMetadata().getUid()).build())
          .withType("Warning").withReason("InvalidIPAddressPool").withMessage(error)
          .withCount(1).withFirstTimestamp(now).withLastTimestamp(now)
          .withNewSource().withComponent("fairlead-controller").endSource()
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.debug("Could not record an event for IPAddressPool {}: {}", pool.getMetadata().getName(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    writer.shutdown();
  }
}
