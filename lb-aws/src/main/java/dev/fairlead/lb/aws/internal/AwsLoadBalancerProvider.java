package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.aws.internal.model.Annotations;
import dev.fairlead.lb.aws.internal.model.CheckpointTags;
import dev.fairlead.lb.aws.internal.model.ModelBuilder;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.aws.internal.model.Observed;
import dev.fairlead.lb.aws.internal.model.Plan;
import dev.fairlead.lb.aws.internal.model.Planner;
import dev.fairlead.lb.aws.internal.model.TargetGroupModel;
import dev.fairlead.lb.cloud.AmbiguousWriteException;
import dev.fairlead.lb.cloud.CallGate;
import dev.fairlead.lb.cloud.KeyedLocks;
import dev.fairlead.lb.cloud.UpstreamNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One NLB per Service, through ELBv2, with EC2 security groups. The glue: a lock per Service, what
 * the provider knows ({@link ServiceState}), the choice between the targets-only path and a full
 * converge (observe, {@link Planner plan}, {@link PlanExecutor execute}, and again if AWS turned out
 * to differ), and the translation of AWS failures. No AWS call is made here.
 *
 * <p>API economy: an unchanged spec costs nothing and a node change costs one Register/Deregister
 * per target group ({@link TargetUpdates}); after a restart {@link Recovery} reads every published
 * NLB's checkpoint with batched describes; a brand-new Service is created without a single describe
 * when the cluster's security group snapshot proves nothing of it exists (its frontend group is
 * always created first and deleted last). Anything unexpected (a duplicate, a missing resource, a
 * create whose answer was lost) makes the provider read the real state, by deterministic names and
 * ownership tags, and converge from there.
 */
public final class AwsLoadBalancerProvider implements LoadBalancerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(AwsLoadBalancerProvider.class);
  private static final int MAX_ROUNDS = 4;

  static final ProviderCapabilities CAPABILITIES =
      new ProviderCapabilities(
          Set.of(dev.fairlead.lb.api.Protocol.TCP, dev.fairlead.lb.api.Protocol.UDP),
          true,
          true,
          false,
          true,
          Set.of(dev.fairlead.lb.api.IpFamily.IPV4));

  private final String cluster;
  private final AwsClients aws;
  private final ModelBuilder builder;
  private final Network network;
  private final LoadBalancers loadBalancers;
  private final Observer observer;
  private final PlanExecutor executor;
  private final TargetUpdates targetUpdates;
  private final DeferredCheckpoints checkpoints;
  private final Recovery recovery;
  private final Deletion deletion;
  private final DriftCheck drift;
  private final KeyedLocks locks = new KeyedLocks();
  private final Map<String, ServiceState> states = new ConcurrentHashMap<>();
  /** Completes when the latest {@link #recover} is done; converges wait for it (see there). */
  private volatile CompletableFuture<Void> recovered = CompletableFuture.completedFuture(null);

  AwsLoadBalancerProvider(String cluster, AwsSettings settings, AwsClients aws) {
    this.cluster = cluster;
    this.aws = aws;
    this.builder = new ModelBuilder(cluster);
    SecurityGroups securityGroups = new SecurityGroups(aws);
    TargetGroups targetGroups = new TargetGroups(aws);
    Targets targets = new Targets(aws);
    Listeners listeners = new Listeners(aws);
    OwnedResources owned = new OwnedResources(aws, cluster);
    this.loadBalancers = new LoadBalancers(aws);
    this.network = new Network(aws, securityGroups, cluster, settings);
    this.observer =
        new Observer(
            cluster, loadBalancers, listeners, targets, securityGroups, owned, network);
    this.executor =
        new PlanExecutor(network, securityGroups, targetGroups, targets, loadBalancers, listeners);
    this.checkpoints =
        new DeferredCheckpoints(
            loadBalancers,
            locks,
            settings.checkpointDelay(),
            (uid, hash) -> states.computeIfPresent(uid, (k, st) -> st.withTargetsHash(hash)));
    this.targetUpdates = new TargetUpdates(targets, loadBalancers, checkpoints);
    this.recovery = new Recovery(cluster, loadBalancers);
    this.deletion = new Deletion(cluster, loadBalancers, targetGroups, securityGroups, owned);
    this.drift = settings.driftCheckInterval().map(i -> new DriftCheck(this, i)).orElse(null);
  }

  @Override
  public ProviderCapabilities capabilities() {
    return CAPABILITIES;
  }

  /**
   * The shared call gate (for tests that look at the throttling delay).
   *
   * @return the gate
   */
  public CallGate gate() {
    return aws.gate();
  }

  /**
   * Reads the network and every published NLB's checkpoint. An ensure that arrives meanwhile (the
   * controller may already have queued one) waits for this, so it finds the recovered state instead
   * of reading its Service (and the network) a second time.
   */
  @Override
  public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    recovered = done;
    try {
      recoverNow(published);
    } finally {
      done.complete(null);
    }
  }

  private void recoverNow(Map<ServiceKey, LoadBalancerStatus> published) {
    try {
      network.discover();
    } catch (RuntimeException e) {
      LOG.warn("Network discovery failed, will retry on first use: {}", e.getMessage());
    }
    try {
      states.putAll(recovery.recover(published));
      LOG.info(
          "Recovered {} of {} published NLBs from their checkpoint tags",
          states.size(),
          published.size());
    } catch (RuntimeException e) {
      LOG.warn("Recovery read failed; Services will be read one by one: {}", e.getMessage());
    }
    if (drift != null) {
      drift.start();
    }
    checkpoints.start();
  }

  @Override
  public Optional<LoadBalancerStatus> find(ServiceKey service) {
    return calling(
        "reading the NLB of " + service.qualifiedName(),
        () -> {
          Optional<String> dns =
              loadBalancers.describeByNames(List.of(Names.loadBalancer(cluster, service))).stream()
                  .findFirst()
                  .map(lb -> lb.dnsName());
          if (dns.isEmpty()) {
            dns =
                loadBalancers
                    .describeByNames(List.of(UpstreamNames.loadBalancerName(service)))
                    .stream()
                    .filter(
                        lb ->
                            loadBalancers
                                .tags(List.of(lb.loadBalancerArn()))
                                .getOrDefault(lb.loadBalancerArn(), Map.of())
                                .containsKey(NlbModel.CLUSTER_TAG_PREFIX + cluster))
                    .findFirst()
                    .map(lb -> lb.dnsName());
          }
          return dns.map(AwsLoadBalancerProvider::status);
        });
  }

  @Override
  public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    NlbModel model = builder.build(spec);
    return locked(model, () -> converge(model, false));
  }

  /**
   * Only the backends changed: the targets of the known NLB are synchronised, with no describe of
   * the NLB. A Service the provider does not know (it failed, or another instance created it) is
   * converged as by {@link #ensure}.
   */
  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    NlbModel model = builder.build(spec);
    locked(
        model,
        () -> {
          awaitRecovery();
          ServiceState state = states.get(model.service().uid());
          if (state != null && state.modelHash().equals(model.modelHash())) {
            Optional<ServiceState> updated = updateTargets(model, state);
            if (updated.isPresent()) {
              return status(updated.get().dnsName());
            }
          }
          return converge(model, false);
        });
  }

  @Override
  public void ensureDeleted(ServiceKey service) {
    try (KeyedLocks.Held held = lock(service.uid())) {
      states.remove(service.uid());
      checkpoints.forget(service.uid());
      calling(
          "deleting the NLB of " + service.qualifiedName(),
          () -> {
            deletion.delete(service);
            return null;
          });
      network.forgetFrontend(service.uid());
    }
  }

  /** Converges one Service; the caller holds its lock. */
  LoadBalancerStatus converge(NlbModel model, boolean verify) {
    awaitRecovery();
    String uid = model.service().uid();
    ServiceState state = states.get(uid);
    if (!verify && state != null && state.modelHash().equals(model.modelHash())) {
      Optional<ServiceState> fast = updateTargets(model, state);
      if (fast.isPresent()) {
        return status(fast.get().dnsName());
      }
    }
    network.ensureDiscovered();
    validateAgainstNetwork(model);
    String backend = network.ensureBackend();
    for (TargetGroupModel tg : model.targetGroups()) {
      if (!tg.healthCheck().port().equals("traffic-port")) {
        network.ensureNodePort(Integer.parseInt(tg.healthCheck().port()));
      }
    }
    // The frontend group is created first and deleted last: without one in the cluster's
    // snapshot, nothing of the Service exists, unless the upstream provider made its NLB.
    boolean provablyNew =
        !verify
            && state == null
            && model.managedFrontend()
            && model.adoptableName().isEmpty()
            && network.knownFrontend(uid).isEmpty();
    Observed observed = provablyNew ? Observed.nothing() : observer.observe(model);
    RuntimeException last = null;
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      try {
        Plan plan = Planner.plan(model, observed, backend);
        LOG.debug("{}: {}", model.service().qualifiedName(), plan.summaries());
        PlanExecutor.Applied applied = executor.execute(model, observed, plan);
        states.put(
            uid,
            new ServiceState(
                Optional.of(model),
                model.modelHash(),
                model.targetsHash(),
                applied.loadBalancerArn(),
                applied.dnsName(),
                Map.copyOf(applied.targetGroupArns()),
                CheckpointTags.of(model).targetGroupIds(applied.targetGroupArns()),
                Optional.of(Set.copyOf(model.targets()))));
        checkpoints.forget(uid);
        return status(applied.dnsName());
      } catch (AmbiguousWriteException e) {
        last = e;
      } catch (AwsServiceException e) {
        if (!AwsErrors.stale(e)) {
          throw e;
        }
        last = e;
      }
      LOG.info(
          "{}: AWS differs from what was expected ({}); reading it again",
          model.service().qualifiedName(),
          last.getMessage());
      states.remove(uid);
      observed = observer.observe(model);
    }
    throw new ProviderFailureException(
        "could not converge the NLB of "
            + model.service().qualifiedName()
            + ": "
            + last.getMessage(),
        last);
  }

  private Optional<ServiceState> updateTargets(NlbModel model, ServiceState state) {
    String uid = model.service().uid();
    try {
      Optional<ServiceState> updated = targetUpdates.update(model, state);
      updated.ifPresent(s -> states.put(uid, s));
      return updated;
    } catch (RuntimeException e) {
      // Targets are now partly changed: forget what we believed and let the next attempt read.
      checkpoints.forget(uid);
      states.remove(uid);
      if (e instanceof AwsServiceException ase && AwsErrors.stale(ase)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void validateAgainstNetwork(NlbModel model) {
    int subnets = network.subnetIds(model).size();
    if (!model.eipAllocations().isEmpty() && model.eipAllocations().size() != subnets) {
      throw new UnsupportedFeatureException(
          Annotations.EIP_ALLOCATIONS
              + ": needs one allocation per subnet: "
              + model.eipAllocations().size()
              + " for "
              + subnets
              + " subnets");
    }
    if (!model.privateIpv4Addresses().isEmpty() && model.privateIpv4Addresses().size() != subnets) {
      throw new UnsupportedFeatureException(
          Annotations.PRIVATE_IPV4
              + ": needs one address per subnet: "
              + model.privateIpv4Addresses().size()
              + " for "
              + subnets
              + " subnets");
    }
  }

  Optional<NlbModel> lastModel(String uid) {
    ServiceState state = states.get(uid);
    return state == null ? Optional.empty() : state.model();
  }

  Set<String> knownServices() {
    return Set.copyOf(states.keySet());
  }

  /** Re-reads one Service and repairs drift; called by the background check. */
  void verify(String uid) {
    Optional<NlbModel> model = lastModel(uid);
    if (model.isEmpty()) {
      return;
    }
    locked(
        model.get(),
        () -> states.containsKey(uid) ? converge(model.get(), true) : null);
  }

  @Override
  public void close() {
    if (drift != null) {
      drift.close();
    }
    checkpoints.close(); // a graceful restart then finds every checkpoint current
    aws.close();
  }

  /** Runs under the Service's lock, translating AWS failures; failure forgets the state. */
  private LoadBalancerStatus locked(NlbModel model, Supplier<LoadBalancerStatus> work) {
    String uid = model.service().uid();
    try (KeyedLocks.Held held = lock(uid)) {
      try {
        return calling("ensuring the NLB of " + model.service().qualifiedName(), work);
      } catch (RuntimeException e) {
        states.remove(uid);
        throw e;
      }
    }
  }

  private void awaitRecovery() {
    try {
      recovered.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted while the provider recovers", e);
    } catch (java.util.concurrent.ExecutionException e) {
      // recover never completes exceptionally
    }
  }

  private KeyedLocks.Held lock(String uid) {
    try {
      return locks.lock(uid);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  /** AWS failures as the SPI's: unclear creates and SDK errors become provider failures. */
  private static <T> T calling(String what, Supplier<T> work) {
    try {
      return work.get();
    } catch (AwsServiceException e) {
      throw AwsErrors.failure(what, e);
    } catch (AmbiguousWriteException e) {
      throw new ProviderFailureException(e.getMessage(), e);
    } catch (SdkException e) {
      throw new ProviderFailureException("AWS call failed: " + e.getMessage(), e);
    }
  }

  private static LoadBalancerStatus status(String dns) {
    return LoadBalancerStatus.of(new LoadBalancerStatus.Hostname(dns));
  }
}
