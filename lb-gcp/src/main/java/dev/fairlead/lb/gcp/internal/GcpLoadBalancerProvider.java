package dev.fairlead.lb.gcp.internal;

import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.cloud.Checkpoint;
import dev.fairlead.lb.cloud.KeyedLocks;
import dev.fairlead.lb.gcp.model.Descriptions;
import dev.fairlead.lb.gcp.model.GcpSettings;
import dev.fairlead.lb.gcp.model.InstanceRef;
import dev.fairlead.lb.gcp.model.InvalidServiceException;
import dev.fairlead.lb.gcp.model.LbModel;
import dev.fairlead.lb.gcp.model.ModelBuilder;
import dev.fairlead.lb.gcp.model.Names;
import dev.fairlead.lb.gcp.model.Observed;
import dev.fairlead.lb.gcp.model.Planner;
import dev.fairlead.lb.gcp.model.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gcp provider: thin glue between the controller, the pure model and the executors.
 *
 * <ul>
 *   <li>It remembers, per Service, the fingerprint of the model it converged to, the address and the
 *       backends; an unchanged Service costs no call, a node change is addInstance/removeInstance
 *       (or one addInstances per zone for internal load balancers) without reads.
 *   <li>After a restart, {@link #recover} reads the checkpoints of every load balancer with one
 *       filtered firewall list and the members of every target pool with one filtered pool list.
 *   <li>A Service it knows nothing of is created without reads; a create that finds a resource
 *       (an upstream load balancer to adopt, a crash's leftovers) or whose answer was lost makes
 *       it read the Service's resources by name and plan from what exists.
 * </ul>
 */
public final class GcpLoadBalancerProvider implements LoadBalancerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(GcpLoadBalancerProvider.class);
  private static final int MAX_ROUNDS = 3;

  /** What the provider knows of a complete load balancer. */
  private record Known(String fingerprint, String ip, SortedSet<InstanceRef> instances, boolean internal) {}

  private final String cluster;
  private final GcpSettings settings;
  private final ComputeClients clients;
  private final RuleCalls rules;
  private final AddressCalls addresses;
  private final PoolCalls pools;
  private final HealthCheckCalls healthChecks;
  private final FirewallCalls firewalls;
  private final BackendServiceCalls backendServices;
  private final InstanceCalls instances;
  private final SharedResources shared;
  private final StepRunner runner;
  private final KeyedLocks locks = new KeyedLocks();
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  GcpLoadBalancerProvider(String cluster, GcpSettings settings, ComputeClients clients, Calls base) {
    this.cluster = cluster;
    this.settings = settings;
    this.clients = clients;
    this.rules = new RuleCalls(base);
    this.addresses = new AddressCalls(base);
    this.pools = new PoolCalls(base);
    this.healthChecks = new HealthCheckCalls(base);
    this.firewalls = new FirewallCalls(base);
    this.backendServices = new BackendServiceCalls(base);
    this.instances = new InstanceCalls(base);
    this.shared = new SharedResources(healthChecks, firewalls, new InstanceGroupCalls(base), cluster);
    this.runner = new StepRunner(cluster, rules, addresses, pools, healthChecks, firewalls, backendServices);
  }

  @Override
  public ProviderCapabilities capabilities() {
    return GcpProviders.capabilities();
  }

  @Override
  public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    try {
      Map<String, Observed.Pool> poolsByName = pools.listLoadBalancerPools();
      for (Observed.Firewall firewall : firewalls.listLoadBalancerFirewalls()) {
        Optional<Checkpoint> checkpoint = Checkpoint.decode(firewall.description());
        if (checkpoint.isEmpty() || !checkpoint.get().get("c").equals(Optional.of(cluster))) {
          continue;
        }
        Checkpoint c = checkpoint.get();
        String uid = c.get("uid").orElse("");
        String fp = c.get("fp").orElse("pending");
        boolean internal = c.get("internal").map(Boolean::parseBoolean).orElse(false);
        String lb = firewall.name().substring("k8s-fw-".length());
        Observed.Pool pool = poolsByName.get(lb);
        if (uid.isEmpty() || fp.equals("pending") || c.get("ip").isEmpty() || (!internal && pool == null)) {
          continue;
        }
        SortedSet<InstanceRef> members = internal ? null : new TreeSet<>(pool.instances());
        known.put(uid, new Known(fp, c.get("ip").get(), members, internal));
      }
      LOG.info("gcp: recovered {} complete load balancers of cluster {} from their checkpoints", known.size(), cluster);
    } catch (RuntimeException e) {
      LOG.warn("gcp: could not read the checkpoints ({}); every Service will be read once", e.getMessage());
    }
  }

  @Override
  public Optional<LoadBalancerStatus> find(ServiceKey service) {
    return guarded(service, () -> findLocked(service));
  }

  private Optional<LoadBalancerStatus> findLocked(ServiceKey service) {
    Names names = Names.of(cluster, service);
    try (KeyedLocks.Held held = locks.lock(service.uid())) {
      for (String name : List.of(names.lb(), names.lb() + "-udp", names.lb() + "-tcp")) {
        Optional<Observed.Rule> rule = rules.get(name);
        if (rule.isPresent() && Descriptions.adoptable(rule.get().description(), service, cluster)) {
          return Optional.of(status(rule.get().ip()));
        }
      }
      boolean any = firewalls.get(names.firewall()).filter(f -> Descriptions.adoptable(f.description(), service, cluster)).isPresent()
          || pools.get(names.targetPool()).isPresent() || backendServices.get(names.backendService()).isPresent()
          || addresses.get(names.address()).isPresent();
      return any ? Optional.of(new LoadBalancerStatus(List.of())) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  @Override
  public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    return guarded(spec.service(), () -> ensureLocked(spec));
  }

  private LoadBalancerStatus ensureLocked(LoadBalancerSpec spec) {
    LbModel model = model(spec);
    try (KeyedLocks.Held held = locks.lock(spec.service().uid())) {
      Known k = known.get(spec.service().uid());
      if (k != null && k.fingerprint().equals(model.fingerprint())) {
        syncBackends(model, k);
        return status(k.ip());
      }
      return converge(model, k == null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    guarded(spec.service(), () -> {
      updateLocked(spec);
      return null;
    });
  }

  private void updateLocked(LoadBalancerSpec spec) {
    LbModel model = model(spec);
    try (KeyedLocks.Held held = locks.lock(spec.service().uid())) {
      Known k = known.get(spec.service().uid());
      if (k == null || !k.fingerprint().equals(model.fingerprint())) {
        converge(model, k == null);
        return;
      }
      syncBackends(model, k);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  /** Backends only: pool members (external) or the shared groups (internal), no reads. */
  private void syncBackends(LbModel model, Known k) {
    String uid = model.service().uid();
    if (k.internal()) {
      shared.syncGroups(uid, model.instances(), model.names().instanceGroup());
      known.put(uid, new Known(k.fingerprint(), k.ip(), model.instances(), true));
      return;
    }
    if (model.instances().equals(k.instances())) {
      return;
    }
    known.remove(uid);
    List<InstanceRef> add = model.instances().stream().filter(i -> !k.instances().contains(i)).toList();
    List<InstanceRef> remove = k.instances().stream().filter(i -> !model.instances().contains(i)).toList();
    try {
      if (!add.isEmpty()) {
        pools.add(model.names().targetPool(), add);
      }
      if (!remove.isEmpty()) {
        pools.remove(model.names().targetPool(), remove);
      }
    } catch (Calls.OperationFailedException e) {
      throw e.toFailure();
    }
    known.put(uid, new Known(k.fingerprint(), k.ip(), model.instances(), false));
  }

  private LoadBalancerStatus converge(LbModel model, boolean unknown) {
    String uid = model.service().uid();
    known.remove(uid);
    List<String> tags = instances.targetTags(model.instances());
    boolean observe = !unknown;
    for (int round = 1; ; round++) {
      try {
        shared.ensureHealthCheck(model, tags);
        if (model.internal()) {
          shared.syncGroups(uid, model.instances(), model.names().instanceGroup());
        }
        Observed observed = observe ? observe(model) : Observed.NOTHING;
        List<Step> steps = Planner.plan(model, observed, tags);
        LOG.debug("gcp: {} plan {}", model.service(), steps);
        String ip = runner.run(model, observed, steps, tags);
        known.put(uid, new Known(model.fingerprint(), ip, model.instances(), model.internal()));
        return status(ip);
      } catch (StepRunner.Conflict e) {
        if (round >= MAX_ROUNDS) {
          throw new RetryLaterException(model.service().qualifiedName() + ": Compute keeps changing under the"
              + " load balancer (" + e.getMessage() + "); trying again", Duration.ofSeconds(5));
        }
        LOG.info("gcp: {} found existing resources ({}); reading them", model.service(), e.getMessage());
        observe = true;
      } catch (Calls.OperationFailedException e) {
        if (e.code().equals("RESOURCE_NOT_FOUND")) {
          shared.forget();
        }
        throw e.toFailure();
      } catch (RuntimeException e) {
        if (GcpErrors.notFound(e)) {
          // A referenced resource vanished (a shared check deleted meanwhile): ensure it again.
          shared.forget();
          throw new ProviderFailureException(model.service().qualifiedName() + ": " + GcpErrors.describe(e), e);
        }
        throw e;
      }
    }
  }

  /** Reads what exists of a Service's load balancer, by name, refusing what belongs to others. */
  private Observed observe(LbModel model) {
    Names names = model.names();
    Map<String, Observed.Rule> found = new HashMap<>();
    for (String name : List.of(names.lb(), names.lb() + "-udp", names.lb() + "-tcp")) {
      rules.get(name).ifPresent(r -> found.put(name, owned(model, "forwardingRules/" + name, r.description(), r)));
    }
    Optional<Observed.Pool> pool = pools.get(names.targetPool());
    Optional<Observed.BackendService> bs = backendServices.get(names.backendService());
    Optional<Observed.Firewall> firewall = firewalls.get(names.firewall())
        .map(f -> owned(model, "firewalls/" + f.name(), f.description(), f));
    Optional<Observed.HealthCheck> localHc = healthChecks.get(names.localHealthCheck(), !model.internal())
        .or(() -> healthChecks.get(names.localHealthCheck(), model.internal()));
    Optional<Observed.Firewall> localHcFirewall = firewalls.get(names.localHealthCheckFirewall(model.internal()))
        .or(() -> firewalls.get(names.localHealthCheckFirewall(!model.internal())));
    Optional<Observed.Address> address = addresses.get(names.address());
    return new Observed(found, address, pool, bs, firewall, localHc, localHcFirewall);
  }

  private <T> T owned(LbModel model, String what, String description, T value) {
    if (!Descriptions.adoptable(description, model.service(), cluster)) {
      throw ProviderFailureException.userError(what + " exists but belongs to another Service or cluster ("
          + description.lines().findFirst().orElse("") + "); Fairlead does not take it over");
    }
    return value;
  }

  @Override
  public void ensureDeleted(ServiceKey service) {
    guarded(service, () -> {
      deleteLocked(service);
      return null;
    });
  }

  /** Every failure leaves as a LoadBalancerException that names the Service and the cause. */
  private static <T> T guarded(ServiceKey service, java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (dev.fairlead.lb.api.LoadBalancerException e) {
      throw e;
    } catch (Calls.OperationFailedException e) {
      throw e.toFailure();
    } catch (dev.fairlead.lb.cloud.AmbiguousWriteException e) {
      throw new RetryLaterException(service.qualifiedName() + ": " + e.getMessage(), Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      throw new ProviderFailureException(service.qualifiedName() + ": Compute: " + GcpErrors.describe(e), e);
    }
  }

  private void deleteLocked(ServiceKey service) {
    Names names = Names.of(cluster, service);
    try (KeyedLocks.Held held = locks.lock(service.uid())) {
      Known k = known.remove(service.uid());
      for (String name : List.of(names.lb(), names.lb() + "-udp", names.lb() + "-tcp")) {
        rules.delete(name);
      }
      Calls.deleteOrRetryLater(() -> pools.delete(names.targetPool()), "targetPools/" + names.targetPool());
      Calls.deleteOrRetryLater(() -> backendServices.delete(names.backendService()),
          "backendServices/" + names.backendService());
      healthChecks.deleteIfUnused(names.localHealthCheck(), true);
      healthChecks.deleteIfUnused(names.localHealthCheck(), false);
      firewalls.delete(names.localHealthCheckFirewall(false));
      firewalls.delete(names.localHealthCheckFirewall(true));
      firewalls.delete(names.firewall());
      addresses.release(names.address());
      LbModel any = ModelBuilder.build(anySpec(service), settings, cluster);
      shared.deleteHealthChecksIfUnused(any);
      if (k == null || k.internal()) {
        Set<String> zones = new TreeSet<>();
        if (k != null && k.instances() != null) {
          k.instances().forEach(i -> zones.add(i.zone()));
        }
        shared.releaseGroups(service.uid(), names.instanceGroup(), zones);
      }
    } catch (Calls.OperationFailedException e) {
      throw e.toFailure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  /** A minimal spec of a Service, only for the names of the cluster's shared resources. */
  private static LoadBalancerSpec anySpec(ServiceKey service) {
    return new LoadBalancerSpec(service, List.of(new dev.fairlead.lb.api.PortMapping("", dev.fairlead.lb.api.Protocol.TCP, 80, 0)),
        List.of(), List.of(), List.of(), new dev.fairlead.lb.api.TrafficPolicy.Cluster(),
        List.of(dev.fairlead.lb.api.IpFamily.IPV4), Map.of());
  }

  private LbModel model(LoadBalancerSpec spec) {
    try {
      return ModelBuilder.build(spec, settings, cluster);
    } catch (InvalidServiceException e) {
      throw new UnsupportedFeatureException(e.getMessage());
    }
  }

  private static LoadBalancerStatus status(String ip) {
    return LoadBalancerStatus.of(new LoadBalancerStatus.Ip(IpLiteral.parse(ip)));
  }

  @Override
  public void close() {
    clients.close();
  }

  /** For tests: how many Services the provider knows as complete. */
  int knownCount() {
    return known.size();
  }

}
