package dev.fairlead.controller.runtime;

import dev.fairlead.controller.host.ClusterHost;
import dev.fairlead.controller.kube.KubeEventRecorder;
import dev.fairlead.controller.kube.KubeServiceWriter;
import dev.fairlead.controller.kube.ServiceUpdates;
import dev.fairlead.controller.kube.StatusMapper;
import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.controller.queue.WorkQueue;
import dev.fairlead.controller.reconcile.BackendTracker;
import dev.fairlead.controller.reconcile.ProviderInvoker;
import dev.fairlead.controller.reconcile.ServiceReconciler;
import dev.fairlead.controller.reconcile.WriteGate;
import dev.fairlead.kube.vocabulary.ServiceEligibility;
import dev.fairlead.kube.vocabulary.Services;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ServiceKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires a running controller: Service and Node informers (always running, so a standby replica
 * takes over with a warm cache), the work queue and reconciler (running only while this replica
 * leads), leader election, and the HTTP endpoints. It lends the provider a {@link ClusterHost} whose
 * writes pass the same leadership gate and event recorder as its own.
 */
public final class ControllerRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerRuntime.class);

  private final KubernetesClient client;
  private final ControllerSettings settings;
  private final ControllerMetrics metrics;
  private final ServiceEligibility eligibility;
  private final WriteGate gate;
  private final BackendTracker backends = new BackendTracker();
  private final LoadBalancerProvider provider;
  private final List<ResourceEventHandler<Service>> serviceWatchers = new java.util.ArrayList<>();
  private final ProviderInvoker invoker;
  private final KubeEventRecorder events;
  private final ServiceReconciler reconciler;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("controller-timers").daemon().factory());
  private final AtomicBoolean nodeSyncScheduled = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  private SharedIndexInformer<Service> serviceInformer;
  private SharedIndexInformer<Node> nodeInformer;
  private volatile WorkQueue<String> queue;
  private volatile boolean synced;
  private volatile boolean leading;
  private ScheduledFuture<?> resync;
  private HttpEndpoints http;
  private volatile CompletableFuture<?> election;

  /**
   * Creates the runtime with a provider that needs no host; nothing runs until {@link #start()}.
   *
   * @param client the Kubernetes client
   * @param provider the provider, already created; the caller closes it
   * @param settings how to run
   * @param metrics the metrics (also handed to the provider for its API calls)
   * @param clock the clock
   */
  public ControllerRuntime(
      KubernetesClient client,
      LoadBalancerProvider provider,
      ControllerSettings settings,
      ControllerMetrics metrics,
      Clock clock) {
    this(client, host -> provider, settings, metrics, clock);
  }

  /**
   * Creates the runtime and its provider, handing the provider the runtime's {@link ClusterHost};
   * nothing runs until {@link #start()}, and the provider is created without contacting the
   * cluster, so its configuration errors come first.
   *
   * @param client the Kubernetes client
   * @param binding creates the provider; the caller closes it ({@link #provider()})
   * @param settings how to run
   * @param metrics the metrics (also handed to the provider for its API calls)
   * @param clock the clock
   */
  public ControllerRuntime(
      KubernetesClient client,
      Function<ClusterHost, LoadBalancerProvider> binding,
      ControllerSettings settings,
      ControllerMetrics metrics,
      Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.eligibility = new ServiceEligibility(settings.loadBalancerClass());
    this.gate = new WriteGate(settings.leaderElection().isEmpty());
    this.events =
        new KubeEventRecorder(
            client, gate, "fairlead-controller", settings.identity(), clock, metrics);
    this.provider = Objects.requireNonNull(binding.apply(new Host()), "provider");
    this.invoker =
        new ProviderInvoker(
            settings.providerName(),
            provider,
            gate,
            settings.concurrency(),
            settings.providerCallsPerSecond(),
            metrics);
    this.reconciler =
        new ServiceReconciler(
            eligibility,
            key -> serviceInformer.getIndexer().getByKey(key),
            backends::current,
            invoker,
            provider.capabilities(),
            provider.metadataUse(),
            new KubeServiceWriter(client, gate),
            events);
    metrics.gauge("fairlead_queue_depth", "Services waiting to be reconciled",
        () -> queue == null ? 0 : queue.depth());
    metrics.gauge("fairlead_leader", "1 while this replica leads", () -> leading ? 1 : 0);
    metrics.gauge("fairlead_managed_load_balancers",
        "Load balancers this replica applied since it started leading", reconciler::appliedCount);
    metrics.gauge("fairlead_status_contested_services",
        "Services whose published status another writer keeps rewriting (another implementation"
            + " serves the same class)", reconciler::contestedCount);
  }

  /**
   * The provider this runtime drives.
   *
   * @return the provider
   */
  public LoadBalancerProvider provider() {
    return provider;
  }

  /**
   * Starts the HTTP endpoints and informers, waits for the caches, then leads (or runs for
   * election). Returns once the caches are synced.
   */
  public void start() {
    if (settings.metricsPort() >= 0) {
      http = HttpEndpoints.start(settings.metricsPort(), metrics.registry(), this::isHealthy,
          this::isReady);
    }
    nodeInformer = client.nodes().runnableInformer(0);
    nodeInformer.addEventHandler(nodeHandler());
    synchronized (serviceWatchers) {
      serviceInformer = client.services().inAnyNamespace().runnableInformer(0);
      serviceInformer.addEventHandler(serviceHandler());
      serviceWatchers.forEach(serviceInformer::addEventHandler);
    }
    nodeInformer.start().toCompletableFuture().join();
    serviceInformer.start().toCompletableFuture().join();
    synced = true;
    LOG.info("Caches synced: {} nodes eligible, {} Services cached",
        backends.current().size(), serviceInformer.getStore().list().size());
    if (settings.leaderElection().isPresent()) {
      runForElection();
    } else {
      startLeading();
    }
  }

  /**
   * The port the HTTP endpoints listen on.
   *
   * @return the port, or -1 if disabled
   */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /**
   * Whether this replica currently leads (always true without leader election, once started).
   *
   * @return true while leading
   */
  public boolean isLeading() {
    return leading;
  }

  /**
   * Completes when the runtime has shut down.
   *
   * @return the future
   */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /**
   * The event recorder, for tests that wait until events are written.
   *
   * @return the recorder
   */
  public KubeEventRecorder events() {
    return events;
  }

  private boolean isHealthy() {
    return !closed.get()
        && (!synced || (serviceInformer.isRunning() && nodeInformer.isRunning()));
  }

  private boolean isReady() {
    return synced && isHealthy();
  }

  private void runForElection() {
    ControllerSettings.LeaderElectionSettings lease = settings.leaderElection().orElseThrow();
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(lease.leaseName())
                    .withLock(new LeaseLock(lease.namespace(), lease.leaseName(), settings.identity()))
                    .withLeaseDuration(lease.leaseDuration())
                    .withRenewDeadline(lease.renewDeadline())
                    .withRetryPeriod(lease.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            this::startLeading,
                            this::stopLeading,
                            leader -> LOG.info("Leader is now {}", leader)))
                    .build())
            .build();
    CompletableFuture<?> run = elector.start();
    election = run;
    run.whenComplete(
        (ignored, failure) -> {
          stopLeading();
          if (!closed.get()) {
            // Lost the lease (or the election loop failed): stand by and compete again.
            timers.schedule(this::runForElection, lease.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  private synchronized void startLeading() {
    if (closed.get() || leading) {
      return;
    }
    LOG.info("{} is leading: reconciling LoadBalancer Services", settings.identity());
    gate.set(true);
    leading = true;
    WorkQueue<String> work =
        new WorkQueue<>("services", Math.max(64, settings.concurrency() * 4), settings.backoff(),
            this::reconcileTimed);
    // recover comes before any other provider call: the queue is published only once it returned,
    // so informer events meanwhile enqueue nothing. They are not lost: the store already holds
    // their state and every relevant Service is queued from it below.
    try {
      invoker.recover(publishedStatuses());
    } catch (RuntimeException e) {
      LOG.warn("recover failed ({}); reconciling anyway, each ensure finds its own resources", e.getMessage());
    }
    queue = work;
    for (Service service : serviceInformer.getStore().list()) {
      if (isRelevant(service)) {
        // Published Services are only re-checked; those still waiting for an address go first.
        if (Services.published(service).isEmpty()) {
          work.add(Cache.metaNamespaceKeyFunc(service));
        } else {
          work.addBackground(Cache.metaNamespaceKeyFunc(service));
        }
      }
    }
    Duration period = settings.resyncPeriod();
    if (!period.isZero()) {
      resync = timers.scheduleAtFixedRate(this::enqueueAll, period.toMillis(), period.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void stopLeading() {
    if (!leading) {
      return;
    }
    gate.set(false); // first: no write of any kind from here on
    leading = false;
    LOG.warn("{} stopped leading: reconciles stopped", settings.identity());
    if (resync != null) {
      resync.cancel(false);
    }
    WorkQueue<String> work = queue;
    queue = null;
    if (work != null) {
      work.close(); // interrupts in-flight provider calls
    }
    reconciler.forgetAll();
  }

  private io.fabric8.kubernetes.client.informers.ResourceEventHandler<Service> serviceHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Service service) {
        if (isRelevant(service)) {
          enqueue(service);
        }
      }

      @Override
      public void onUpdate(Service before, Service after) {
        if ((isRelevant(after) || isRelevant(before))
            && ServiceUpdates.isRelevant(eligibility, before, after)) {
          enqueue(after);
        }
      }

      @Override
      public void onDelete(Service service, boolean finalStateUnknown) {
        if (isRelevant(service)) {
          enqueue(service);
        }
      }
    };
  }

  private ResourceEventHandler<Node> nodeHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node node) {
        if (backends.upsert(node)) {
          scheduleNodeSync();
        }
      }

      @Override
      public void onUpdate(Node before, Node after) {
        if (backends.upsert(after)) {
          scheduleNodeSync();
        }
      }

      @Override
      public void onDelete(Node node, boolean finalStateUnknown) {
        if (backends.remove(node)) {
          scheduleNodeSync();
        }
      }
    };
  }

  private boolean isRelevant(Service service) {
    return eligibility.concerns(service);
  }

  private void enqueue(Service service) {
    WorkQueue<String> work = queue;
    if (work != null) {
      work.add(Cache.metaNamespaceKeyFunc(service));
    }
  }

  private void enqueueAll() {
    WorkQueue<String> work = queue;
    if (work == null) {
      return;
    }
    for (Service service : serviceInformer.getStore().list()) {
      if (isRelevant(service)) {
        work.addBackground(Cache.metaNamespaceKeyFunc(service));
      }
    }
  }

  /** Gathers a burst of node changes into one pass over the Services. */
  private void scheduleNodeSync() {
    if (queue != null && nodeSyncScheduled.compareAndSet(false, true)) {
      timers.schedule(
          () -> {
            nodeSyncScheduled.set(false);
            WorkQueue<String> work = queue;
            if (work != null) {
              reconciler.keysWithStaleBackends(backends.current()).forEach(work::add);
            }
          },
          settings.nodeSyncDelay().toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private dev.fairlead.controller.queue.Outcome reconcileTimed(String key) {
    long start = System.nanoTime();
    var outcome = reconciler.reconcile(key);
    String result =
        switch (outcome) {
          case dev.fairlead.controller.queue.Outcome.Done done -> "done";
          case dev.fairlead.controller.queue.Outcome.RetryAfter later -> "retry_later";
          case dev.fairlead.controller.queue.Outcome.Backoff failed -> "backoff";
        };
    metrics.reconciled(result, Duration.ofNanos(System.nanoTime() - start));
    return outcome;
  }

  private Map<ServiceKey, LoadBalancerStatus> publishedStatuses() {
    Map<ServiceKey, LoadBalancerStatus> published = new HashMap<>();
    for (Service service : serviceInformer.getStore().list()) {
      if (eligibility.hasFinalizer(service) && !Services.published(service).isEmpty()) {
        published.put(Services.key(service), StatusMapper.fromIngress(Services.published(service)));
      }
    }
    return published;
  }

  /**
   * Stops gracefully: no new reconciles, in-flight ones get the grace period, the lease is
   * released so another replica takes over at once, then informers and endpoints stop.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Shutting down");
    WorkQueue<String> work = queue;
    if (work != null) {
      work.shutdown(settings.shutdownGrace());
    }
    events.close();
    CompletableFuture<?> run = election;
    if (run != null) {
      run.cancel(true); // releases the lease (releaseOnCancel)
    }
    stopLeading();
    timers.shutdownNow();
    if (serviceInformer != null) {
      serviceInformer.close();
    }
    if (nodeInformer != null) {
      nodeInformer.close();
    }
    if (http != null) {
      http.close();
    }
    stopped.complete(null);
  }

  /** The host lent to the provider: the runtime's client, gate, recorder, queue and metrics. */
  private final class Host implements ClusterHost {
    @Override
    public KubernetesClient client() {
      return client;
    }

    @Override
    public Optional<String> loadBalancerClass() {
      return settings.loadBalancerClass();
    }

    @Override
    public boolean write(Runnable write) {
      if (!gate.isOpen()) {
        return false;
      }
      write.run();
      return true;
    }

    @Override
    public void event(HasMetadata object, boolean warning, String reason, String message) {
      if (warning) {
        events.warning(object, reason, message);
      } else {
        events.normal(object, reason, message);
      }
    }

    @Override
    public void requeue(Collection<ServiceKey> services) {
      WorkQueue<String> work = queue;
      if (work != null) {
        services.forEach(key -> {
          reconciler.invalidate(key.qualifiedName()); // the provider's answer may differ now
          work.add(key.qualifiedName());
        });
      }
    }

    @Override
    public void watchServices(ResourceEventHandler<Service> handler) {
      synchronized (serviceWatchers) {
        serviceWatchers.add(handler);
        if (serviceInformer != null) {
          serviceInformer.addEventHandler(handler);
        }
      }
    }

    @Override
    public List<Service> services() {
      SharedIndexInformer<Service> informer = serviceInformer;
      return informer == null ? List.of() : informer.getStore().list();
    }

    @Override
    public void gauge(String name, String help, List<String> labelNames,
        Supplier<Map<List<String>, Double>> samples) {
      metrics.gauges(name, help, labelNames, samples);
    }
  }
}
