package dev.fairlead.lb.baremetal.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairlead.controller.host.ClusterHost;
import dev.fairlead.kube.vocabulary.Services;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.baremetal.BareMetalCluster;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.ipam.PoolDefinition;
import dev.fairlead.lb.baremetal.ipam.PoolReport;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bare-metal provider's port to a real cluster, through the controller's {@link ClusterHost}:
 * an informer on IPAddressPools, the controller's own Service informer for published addresses,
 * and pool status written with one merge patch per change (no read first) that passes the
 * controller's leadership gate when it is sent, so a replica that stopped leading writes nothing.
 * Each status patch is reported to the controller's API-call metrics.
 */
public final class KubeBareMetalCluster implements BareMetalCluster {
  private static final Logger LOG = LoggerFactory.getLogger(KubeBareMetalCluster.class);
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

  private final ClusterHost host;
  private final ApiCallListener apiCalls;
  /** Published addresses by Service UID. */
  private final Map<String, Published> published = new ConcurrentHashMap<>();
  /** Status writes waiting to be sent, newest per pool; one thread sends them in order. */
  private final Map<String, PoolReport> pendingStatus = new LinkedHashMap<>();
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("pool-status").factory());
  /** Change notifications go through one thread, so informer threads never wait for the IPAM. */
  private final ExecutorService notifier =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("pool-changes").factory());
  private final AtomicBoolean changePending = new AtomicBoolean();
  private volatile Runnable onChange = () -> {};
  private SharedIndexInformer<IPAddressPool> pools;

  private record Published(ServiceKey service, List<InetAddress> addresses) {}

  /**
   * Creates the adapter; nothing is watched until {@link #start}.
   *
   * @param host what the controller lends
   * @param apiCalls where API calls are reported
   */
  public KubeBareMetalCluster(ClusterHost host, ApiCallListener apiCalls) {
    this.host = Objects.requireNonNull(host, "host");
    this.apiCalls = Objects.requireNonNull(apiCalls, "apiCalls");
  }

  @Override
  public synchronized void start(Runnable changed) {
    this.onChange = changed;
    for (Service service : host.services()) {
      index(service);
    }
    host.watchServices(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Service service) {
        if (index(service)) {
          changed();
        }
      }

      @Override
      public void onUpdate(Service before, Service after) {
        if (index(after)) {
          changed();
        }
      }

      @Override
      public void onDelete(Service service, boolean finalStateUnknown) {
        if (published.remove(String.valueOf(service.getMetadata().getUid())) != null) {
          changed();
        }
      }
    });
    SharedIndexInformer<IPAddressPool> informer = null;
    long start = System.nanoTime();
    try {
      informer = host.client().resources(IPAddressPool.class).runnableInformer(0);
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(IPAddressPool pool) {
          changed();
        }

        @Override
        public void onUpdate(IPAddressPool before, IPAddressPool after) {
          if (!Objects.equals(before.getSpec(), after.getSpec())
              || !Objects.equals(before.getMetadata().getCreationTimestamp(),
                  after.getMetadata().getCreationTimestamp())) {
            changed(); // our own status writes change nothing that matters
          }
        }

        @Override
        public void onDelete(IPAddressPool pool, boolean finalStateUnknown) {
          changed();
        }
      });
      informer.start().toCompletableFuture().get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      apiCalls.onCall("ListIPAddressPools", "ok", Duration.ofNanos(System.nanoTime() - start));
      pools = informer;
    } catch (Exception e) {
      if (informer != null) {
        informer.close(); // do not leave a half-started watch retrying in the background
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      apiCalls.onCall("ListIPAddressPools", "error", Duration.ofNanos(System.nanoTime() - start));
      throw new ProviderFailureException("cannot watch IPAddressPools (is the CRD "
          + "ipaddresspools.baremetal.fairlead.dev installed?): " + e.getMessage(), e);
    }
  }

  /** Records a Service's published addresses; true if they changed. */
  private boolean index(Service service) {
    String uid = service.getMetadata().getUid();
    if (uid == null || service.getMetadata().getNamespace() == null) {
      return false;
    }
    List<InetAddress> addresses = Services.publishedAddresses(service);
    Published before = addresses.isEmpty() ? published.remove(uid)
        : published.put(uid, new Published(Services.key(service), addresses));
    return before == null ? !addresses.isEmpty() : !before.addresses().equals(addresses);
  }

  private void changed() {
    if (changePending.compareAndSet(false, true)) {
      notifier.execute(() -> {
        changePending.set(false);
        try {
          onChange.run();
        } catch (RuntimeException e) {
          LOG.warn("Could not re-check the IPAddressPools after a change: {}", e.getMessage(), e);
        }
      });
    }
  }

  @Override
  public List<PoolDefinition> pools() {
    SharedIndexInformer<IPAddressPool> informer = pools;
    return informer == null ? List.of()
        : informer.getStore().list().stream().map(PoolDefinitions::of).toList();
  }

  @Override
  public Map<InetAddress, Set<ServiceKey>> published() {
    Map<InetAddress, Set<ServiceKey>> result = new HashMap<>();
    for (Published entry : published.values()) {
      for (InetAddress address : entry.addresses()) {
        result.computeIfAbsent(address, a -> new HashSet<>()).add(entry.service());
      }
    }
    return result;
  }

  @Override
  public void writeStatus(String pool, PoolReport report) {
    boolean schedule;
    synchronized (pendingStatus) {
      schedule = pendingStatus.put(pool, report) == null;
    }
    if (schedule) {
      writer.execute(() -> send(pool));
    }
  }

  private void send(String pool) {
    PoolReport report;
    synchronized (pendingStatus) {
      report = pendingStatus.remove(pool);
    }
    if (report == null) {
      return;
    }
    long start = System.nanoTime();
    try {
      IPAddressPool named = new IPAddressPool();
      named.getMetadata().setName(pool);
      // resource(...) names the object without fetching it: one PATCH, no GET before it.
      boolean sent = host.write(() -> host.client().resources(IPAddressPool.class).resource(named)
          .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), statusPatch(report)));
      if (sent) {
        apiCalls.onCall("PatchIPAddressPoolStatus", "ok", Duration.ofNanos(System.nanoTime() - start));
      }
    } catch (KubernetesClientException e) {
      apiCalls.onCall("PatchIPAddressPoolStatus", String.valueOf(e.getCode()),
          Duration.ofNanos(System.nanoTime() - start));
      LOG.debug("Could not update the status of IPAddressPool {}: {}", pool, e.getMessage());
    }
  }

  static String statusPatch(PoolReport report) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode status = patch.putObject("status");
    status.put("allocatedIPv4", report.allocatedIpv4());
    status.put("allocatedIPv6", report.allocatedIpv6());
    status.put("freeIPv4", report.freeIpv4().longValueExact());
    status.put("freeIPv6", report.freeIpv6().toString());
    if (report.error().isPresent()) {
      status.put("error", report.error().get());
    } else {
      status.putNull("error");
    }
    return patch.toString();
  }

  @Override
  public void poolEvent(String pool, boolean warning, String reason, String message) {
    SharedIndexInformer<IPAddressPool> informer = pools;
    IPAddressPool object = informer == null ? null : informer.getStore().getByKey(pool);
    if (object == null) {
      object = new IPAddressPool();
      object.getMetadata().setName(pool);
    }
    host.event(object, warning, reason, message);
  }

  @Override
  public void serviceEvent(ServiceKey service, boolean warning, String reason, String message) {
    HasMetadata object = new ServiceBuilder().withNewMetadata().withNamespace(service.namespace())
        .withName(service.name()).withUid(service.uid()).endMetadata().build();
    host.event(object, warning, reason, message);
  }

  @Override
  public void requeue(Collection<ServiceKey> services) {
    host.requeue(services);
  }

  @Override
  public void gauge(String name, String help, List<String> labelNames,
      Supplier<Map<List<String>, Double>> samples) {
    host.gauge(name, help, labelNames, samples);
  }

  @Override
  public synchronized void close() {
    if (pools != null) {
      pools.close();
    }
    notifier.shutdownNow();
    writer.shutdown();
  }
}
