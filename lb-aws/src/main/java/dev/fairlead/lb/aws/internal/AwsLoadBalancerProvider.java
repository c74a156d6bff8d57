package dev.fairlead.lb.aws.internal;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.aws.internal.CallGate.AmbiguousWriteException;
import dev.fairlead.lb.aws.internal.CallGate.Kind;
import dev.fairlead.lb.aws.internal.model.Annotations;
import dev.fairlead.lb.aws.internal.model.IngressRule;
import dev.fairlead.lb.aws.internal.model.ListenerModel;
import dev.fairlead.lb.aws.internal.model.ModelBuilder;
import dev.fairlead.lb.aws.internal.model.Names;
import dev.fairlead.lb.aws.internal.model.NlbModel;
import dev.fairlead.lb.aws.internal.model.Subnets;
import dev.fairlead.lb.aws.internal.model.TargetGroupModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Certificate;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.SubnetMapping;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.ResourceTagMapping;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/**
 * One NLB per Service, through ELBv2, with EC2 security groups.
 *
 * <p>API economy: the provider remembers what it wrote ({@link ServiceState}), so an unchanged spec
 * costs nothing and a node change costs exactly one Register/DeregisterTargets per target group.
 * Each NLB carries checkpoint tags (model hash, targets hash, target group IDs), so after a restart
 * {@link #recover} reads every published NLB with batched describes (20 per call) and {@code
 * ensure} of an unchanged Service makes no call at all. A brand-new Service is created without a
 * single describe when the cluster's security group snapshot proves nothing of it exists (its
 * frontend group is always created first and deleted last). Anything unexpected (a duplicate, a
 * missing resource, a create whose answer was lost) makes the provider read the real state, by
 * deterministic names and ownership tags, and converge from there.
 */
public final class AwsLoadBalancerProvider implements LoadBalancerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(AwsLoadBalancerProvider.class);
  private static final int REGISTER_CHUNK = 200;
  private static final int DESCRIBE_BATCH = 20;
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
  private final ElasticLoadBalancingV2Client elb;
  private final Ec2Client ec2;
  private final ResourceGroupsTaggingApiClient tagging;
  private final CallGate gate;
  private final Network network;
  private final ModelBuilder builder;
  private final Map<String, ServiceState> states = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final DriftCheck drift;
  private final Duration checkpointDelay;
  private final Map<String, PendingCheckpoint> pendingCheckpoints = new ConcurrentHashMap<>();
  private volatile Thread checkpointer;
  private volatile long lastTargetChangeNanos;

  /** A targets checkpoint that {@code updateBackends} left for the background to write. */
  private record PendingCheckpoint(
      String loadBalancerArn, String targetsHash, long changedAtNanos) {}

  AwsLoadBalancerProvider(
      String cluster,
      AwsSettings settings,
      ElasticLoadBalancingV2Client elb,
      Ec2Client ec2,
      ResourceGroupsTaggingApiClient tagging,
      CallGate gate) {
    this.cluster = cluster;
    this.elb = elb;
    this.ec2 = ec2;
    this.tagging = tagging;
    this.gate = gate;
    this.network = new Network(ec2, gate, cluster, settings);
    this.builder = new ModelBuilder(cluster);
    this.drift = settings.driftCheckInterval().map(i -> new DriftCheck(this, i)).orElse(null);
    this.checkpointDelay = settings.checkpointDelay();
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
    return gate;
  }

  @Override
  public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    try {
      network.discover();
    } catch (RuntimeException e) {
      LOG.warn("Network discovery failed, will retry on first use: {}", e.getMessage());
    }
    Map<String, ServiceKey> byName = new LinkedHashMap<>();
    Map<ServiceKey, String> hostnames = new HashMap<>();
    published.forEach(
        (key, status) -> {
          status.ingress().stream()
              .filter(LoadBalancerStatus.Hostname.class::isInstance)
              .map(i -> ((LoadBalancerStatus.Hostname) i).hostname())
              .findFirst()
              .ifPresent(
                  host -> {
                    byName.put(Names.loadBalancer(cluster, key), key);
                    hostnames.put(key, host);
                  });
        });
    try {
      List<LoadBalancer> found = new ArrayList<>();
      List<String> names = List.copyOf(byName.keySet());
      for (int i = 0; i < names.size(); i += DESCRIBE_BATCH) {
        found.addAll(describeByNames(names.subList(i, Math.min(names.size(), i + DESCRIBE_BATCH))));
      }
      Map<String, Map<String, String>> tags = new HashMap<>();
      List<String> arns = found.stream().map(LoadBalancer::loadBalancerArn).toList();
      for (int i = 0; i < arns.size(); i += DESCRIBE_BATCH) {
        List<String> batch = arns.subList(i, Math.min(arns.size(), i + DESCRIBE_BATCH));
        gate.call(
                "DescribeTags", Kind.IDEMPOTENT, () -> elb.describeTags(b -> b.resourceArns(batch)))
            .tagDescriptions()
            .forEach(d -> tags.put(d.resourceArn(), toMap(d.tags())));
      }
      for (LoadBalancer lb : found) {
        ServiceKey key = byName.get(lb.loadBalancerName());
        Map<String, String> t = tags.getOrDefault(lb.loadBalancerArn(), Map.of());
        if (key == null
            || !lb.dnsName().equals(hostnames.get(key))
            || !key.uid().equals(t.get(NlbModel.SERVICE_UID_TAG))
            || !t.containsKey(NlbModel.MODEL_HASH_TAG)) {
          continue; // not provably what was published: the first ensure reads it properly
        }
        String ids = t.getOrDefault(NlbModel.TARGET_GROUP_IDS_TAG, "");
        states.put(
            key.uid(),
            new ServiceState(
                Optional.empty(),
                t.get(NlbModel.MODEL_HASH_TAG),
                t.getOrDefault(NlbModel.TARGETS_HASH_TAG, ""),
                lb.loadBalancerArn(),
                lb.dnsName(),
                Map.of(),
                ids.isEmpty() ? List.of() : List.of(ids.split(",")),
                Optional.empty()));
      }
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
    startCheckpointer();
  }

  private synchronized void startCheckpointer() {
    if (checkpointer != null) {
      return;
    }
    long tick = Math.max(50, Math.min(1000, checkpointDelay.toMillis() / 2));
    checkpointer =
        Thread.ofVirtual()
            .name("aws-checkpoint")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      Thread.sleep(tick);
                      flushCheckpoints(false);
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      LOG.info(
                          "Writing targets checkpoints failed, will retry: {}", e.getMessage());
                    }
                  }
                });
  }

  /**
   * Rewrites the targets checkpoint of NLBs whose targets {@code updateBackends} changed: Services
   * with the same target set share one {@code AddTags} call (up to 20 NLBs), so after a node joins
   * a cluster with S Services this costs about S/20 calls, later and off the node-join path.
   *
   * @param all true to write every pending checkpoint now (on close), false for those older than
   *     the delay
   */
  void flushCheckpoints(boolean all) {
    long now = System.nanoTime();
    long delay = checkpointDelay.toNanos();
    // Wait for a quiet period, so a burst of node changes is written in as few calls as possible,
    // but never hold a checkpoint back longer than ten delays under constant churn.
    boolean quiet = now - lastTargetChangeNanos >= delay;
    boolean overdue =
        pendingCheckpoints.values().stream().anyMatch(p -> now - p.changedAtNanos() >= 10 * delay);
    if (!all && !quiet && !overdue) {
      return;
    }
    Map<String, List<String>> byHash = new TreeMap<>();
    pendingCheckpoints.forEach(
        (uid, pending) ->
            byHash.computeIfAbsent(pending.targetsHash(), h -> new ArrayList<>()).add(uid));
    for (Map.Entry<String, List<String>> group : byHash.entrySet()) {
      List<String> uids = group.getValue();
      for (int i = 0; i < uids.size(); i += DESCRIBE_BATCH) {
        List<ReentrantLock> held = new ArrayList<>();
        Map<String, PendingCheckpoint> batch = new LinkedHashMap<>();
        try {
          for (String uid : uids.subList(i, Math.min(uids.size(), i + DESCRIBE_BATCH))) {
            ReentrantLock lock = locks.get(uid);
            PendingCheckpoint pending = pendingCheckpoints.get(uid);
            if (lock != null && pending != null && lock.tryLock()) {
              held.add(lock);
              batch.put(uid, pending);
            }
          }
          if (batch.isEmpty()) {
            continue;
          }
          List<String> arns =
              batch.values().stream().map(PendingCheckpoint::loadBalancerArn).toList();
          Map<String, String> tag = Map.of(NlbModel.TARGETS_HASH_TAG, group.getKey());
          gate.call(
              "AddTags",
              Kind.IDEMPOTENT,
              () -> elb.addTags(b -> b.resourceArns(arns).tags(elbTags(tag))));
          batch.forEach(
              (uid, pending) -> {
                pendingCheckpoints.remove(uid, pending);
                states.computeIfPresent(uid, (k, st) -> st.withTargetsHash(pending.targetsHash()));
              });
        } finally {
          held.forEach(ReentrantLock::unlock);
        }
      }
    }
  }

  @Override
  public Optional<LoadBalancerStatus> find(ServiceKey service) {
    try {
      List<LoadBalancer> found = describeByNames(List.of(Names.loadBalancer(cluster, service)));
      return found.stream().findFirst().map(lb -> status(lb.dnsName()));
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new ProviderFailureException(
          "reading the NLB of " + service.qualifiedName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    NlbModel model = builder.build(spec);
    ReentrantLock lock = locks.computeIfAbsent(spec.service().uid(), k -> new ReentrantLock());
    lockInterruptibly(lock);
    try {
      return ensureLocked(model, false);
    } catch (AwsServiceException e) {
      states.remove(spec.service().uid());
      throw failure("ensuring the NLB of " + spec.service().qualifiedName(), e);
    } catch (AmbiguousWriteException e) {
      states.remove(spec.service().uid());
      throw new ProviderFailureException(e.getMessage(), e);
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      states.remove(spec.service().uid());
      throw new ProviderFailureException("AWS call failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    ensure(spec);
  }

  LoadBalancerStatus ensureLocked(NlbModel model, boolean verify) {
    String uid = model.service().uid();
    ServiceState state = states.get(uid);
    if (!verify && state != null && state.modelHash().equals(model.modelHash())) {
      Optional<ServiceState> fast = fastPath(model, state);
      if (fast.isPresent()) {
        states.put(uid, fast.get());
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
    boolean provablyNew =
        !verify && state == null && model.managedFrontend() && network.knownFrontend(uid).isEmpty();
    Observed observed = provablyNew ? Observed.nothing() : observe(model);
    RuntimeException last = null;
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      try {
        ServiceState applied = apply(model, observed, backend);
        states.put(uid, applied);
        pendingCheckpoints.remove(uid);
        return status(applied.dnsName());
      } catch (AmbiguousWriteException e) {
        last = e;
      } catch (AwsServiceException e) {
        if (!AwsErrors.stale(e)) {
          states.remove(uid);
          throw failure("ensuring the NLB of " + model.service().qualifiedName(), e);
        }
        last = e;
      }
      LOG.info(
          "{}: AWS differs from what was expected ({}); reading it again",
          model.service().qualifiedName(),
          last.getMessage());
      states.remove(uid);
      observed = observe(model);
    }
    throw new ProviderFailureException(
        "could not converge the NLB of "
            + model.service().qualifiedName()
            + ": "
            + last.getMessage(),
        last);
  }

  /** Known state with the same model: only the targets may differ. */
  private Optional<ServiceState> fastPath(NlbModel model, ServiceState state) {
    Map<String, String> arns = state.targetGroupArns();
    if (arns.isEmpty() && state.targetGroupIds().size() == model.targetGroups().size()) {
      arns = new LinkedHashMap<>();
      String prefix =
          state.loadBalancerArn().substring(0, state.loadBalancerArn().indexOf(":loadbalancer/"));
      for (int i = 0; i < model.targetGroups().size(); i++) {
        String name = model.targetGroups().get(i).name();
        arns.put(name, prefix + ":targetgroup/" + name + "/" + state.targetGroupIds().get(i));
      }
    }
    if (!arns.keySet().equals(model.targetGroupNames())) {
      return Optional.empty();
    }
    Set<String> registered = null;
    if (state.targets().isPresent()) {
      registered = state.targets().get();
    } else if (state.targetsHash().equals(model.targetsHash())) {
      registered = model.targets();
    }
    try {
      for (String arn : arns.values()) {
        // Nodes changed while nobody watched (or since the checkpoint): read just the targets.
        Set<String> current = registered != null ? registered : registeredTargets(arn);
        syncTargets(arn, current, model.targets());
      }
      if (registered == null) {
        Map<String, String> checkpoint = Map.of(NlbModel.TARGETS_HASH_TAG, model.targetsHash());
        gate.call(
            "AddTags",
            Kind.IDEMPOTENT,
            () ->
                elb.addTags(
                    b -> b.resourceArns(state.loadBalancerArn()).tags(elbTags(checkpoint))));
      }
    } catch (RuntimeException e) {
      // Targets are now partly changed: forget what we believed and let the next attempt read.
      pendingCheckpoints.remove(model.service().uid());
      states.remove(model.service().uid());
      if (e instanceof AwsServiceException ase) {
        if (AwsErrors.stale(ase)) {
          return Optional.empty();
        }
        throw failure("updating the targets of " + model.service().qualifiedName(), ase);
      }
      throw e;
    }
    String targetsHash = registered == null ? model.targetsHash() : state.targetsHash();
    if (targetsHash.equals(model.targetsHash())) {
      pendingCheckpoints.remove(model.service().uid());
    } else {
      long now = System.nanoTime();
      PendingCheckpoint previous = pendingCheckpoints.get(model.service().uid());
      pendingCheckpoints.put(
          model.service().uid(),
          new PendingCheckpoint(
              state.loadBalancerArn(),
              model.targetsHash(),
              previous == null ? now : previous.changedAtNanos()));
      lastTargetChangeNanos = now;
      if (checkpointer == null) {
        startCheckpointer();
      }
    }
    return Optional.of(
        new ServiceState(
            Optional.of(model),
            state.modelHash(),
            targetsHash,
            state.loadBalancerArn(),
            state.dnsName(),
            Map.copyOf(arns),
            state.targetGroupIds(),
            Optional.of(Set.copyOf(model.targets()))));
  }

  private void validateAgainstNetwork(NlbModel model) {
    int subnets = subnetIds(model).size();
    if (!model.eipAllocations().isEmpty() && model.eipAllocations().size() != subnets) {
      throw new UnsupportedFeatureException(
          Annotations.EIP_ALLOCATIONS
              + ": needs one allocation per"
              + " subnet: "
              + model.eipAllocations().size()
              + " for "
              + subnets
              + " subnets");
    }
    if (!model.privateIpv4Addresses().isEmpty() && model.privateIpv4Addresses().size() != subnets) {
      throw new UnsupportedFeatureException(
          Annotations.PRIVATE_IPV4
              + ": needs one address per"
              + " subnet: "
              + model.privateIpv4Addresses().size()
              + " for "
              + subnets
              + " subnets");
    }
  }

  private List<String> subnetIds(NlbModel model) {
    return switch (model.subnets()) {
      case Subnets.Discover d -> network.subnetsFor(model.internal());
      case Subnets.Named n -> network.resolve(n.refs());
    };
  }

  /** Reads everything of one Service: by name for the NLB, by ownership tags for the rest. */
  Observed observe(NlbModel model) {
    Optional<LoadBalancer> lb =
        describeByNames(List.of(model.loadBalancerName())).stream().findFirst();
    Map<Integer, Observed.Listener> listeners = new TreeMap<>();
    if (lb.isPresent()) {
      String arn = lb.get().loadBalancerArn();
      gate.call(
              "DescribeListeners",
              Kind.IDEMPOTENT,
              () -> elb.describeListeners(b -> b.loadBalancerArn(arn)))
          .listeners()
          .forEach(
              l ->
                  listeners.put(
                      l.port(),
                      new Observed.Listener(
                          l.listenerArn(),
                          l.port(),
                          l.protocolAsString(),
                          l.defaultActions().stream()
                              .map(Action::targetGroupArn)
                              .filter(Objects::nonNull)
                              .findFirst()
                              .orElse(""),
                          l.certificates().stream().map(Certificate::certificateArn).findFirst(),
                          Optional.ofNullable(l.sslPolicy()))));
    }
    List<ResourceTagMapping> owned =
        ownedResources(
            model.service(),
            "elasticloadbalancing:loadbalancer",
            "elasticloadbalancing:targetgroup",
            "ec2:security-group");
    Map<String, String> targetGroups = new TreeMap<>();
    Map<String, String> lbTags = Map.of();
    String frontendId = null;
    for (ResourceTagMapping r : owned) {
      String arn = r.resourceARN();
      if (arn.contains(":targetgroup/")) {
        String[] parts = arn.substring(arn.indexOf(":targetgroup/") + 13).split("/");
        targetGroups.put(parts[0], arn);
      } else if (arn.contains(":security-group/")) {
        boolean frontend =
            r.tags().stream()
                .anyMatch(t -> t.key().equals(NlbModel.ROLE_TAG) && t.value().equals("frontend"));
        if (frontend) {
          frontendId = arn.substring(arn.indexOf(":security-group/") + 16);
        }
      } else if (lb.isPresent() && arn.equals(lb.get().loadBalancerArn())) {
        Map<String, String> t = new HashMap<>();
        r.tags().forEach(tag -> t.put(tag.key(), tag.value()));
        lbTags = t;
      }
    }
    if (frontendId == null && model.managedFrontend()) {
      frontendId = network.findGroupByName(model.frontendSecurityGroupName()).orElse(null);
    }
    Optional<Observed.Sg> frontend = Optional.empty();
    if (frontendId != null) {
      String id = frontendId;
      try {
        var groups =
            gate.call(
                    "DescribeSecurityGroups",
                    Kind.IDEMPOTENT,
                    () -> ec2.describeSecurityGroups(b -> b.groupIds(id)))
                .securityGroups();
        if (!groups.isEmpty()) {
          frontend = Optional.of(new Observed.Sg(id, rules(groups.getFirst().ipPermissions())));
          network.rememberFrontend(model.service().uid(), id);
        }
      } catch (AwsServiceException e) {
        if (!AwsErrors.is(e, "InvalidGroup.NotFound", "InvalidGroupId.NotFound")) {
          throw failure("reading security group " + id, e);
        }
      }
    }
    Map<String, Set<String>> targets = new HashMap<>();
    for (TargetGroupModel tg : model.targetGroups()) {
      String arn = targetGroups.get(tg.name());
      if (arn != null) {
        targets.put(arn, registeredTargets(arn));
      }
    }
    Map<String, String> tags = lbTags;
    return new Observed(
        lb.map(
            l ->
                new Observed.Lb(
                    l.loadBalancerArn(),
                    l.dnsName(),
                    l.schemeAsString(),
                    l.securityGroups(),
                    tags)),
        listeners,
        targetGroups,
        targets,
        frontend);
  }

  private ServiceState apply(NlbModel model, Observed observed, String backendGroup) {
    String uid = model.service().uid();
    // 0. An NLB whose checkpoint names another model is about to change: withdraw the claim first,
    // so a crash halfway can never leave a checkpoint that matches a half-applied state.
    if (observed.loadBalancer().isPresent()) {
      Observed.Lb existing = observed.loadBalancer().get();
      String claimed = existing.tags().get(NlbModel.MODEL_HASH_TAG);
      if (claimed != null && !claimed.equals(model.modelHash())) {
        Map<String, String> pending = Map.of(NlbModel.MODEL_HASH_TAG, "updating");
        gate.call(
            "AddTags",
            Kind.IDEMPOTENT,
            () -> elb.addTags(b -> b.resourceArns(existing.arn()).tags(elbTags(pending))));
      }
    }
    // 1. Security groups first: the frontend group is the witness that the Service has resources.
    List<String> groups = new ArrayList<>();
    if (model.managedFrontend()) {
      String frontend;
      if (observed.frontend().isEmpty()) {
        frontend =
            gate.call(
                    "CreateSecurityGroup",
                    Kind.CREATE,
                    () ->
                        ec2.createSecurityGroup(
                            b ->
                                b.groupName(model.frontendSecurityGroupName())
                                    .vpcId(network.vpcId())
                                    .description(
                                        "Fairlead: clients of NLB " + model.loadBalancerName())
                                    .tagSpecifications(
                                        TagSpecification.builder()
                                            .resourceType(ResourceType.SECURITY_GROUP)
                                            .tags(ec2Tags(model.tagsFor("frontend")))
                                            .build())))
                .groupId();
        network.rememberFrontend(uid, frontend);
        authorize(frontend, model.frontendRules());
      } else {
        frontend = observed.frontend().get().id();
        Set<IngressRule> have = observed.frontend().get().rules();
        Set<IngressRule> extra = new TreeSet<>(have);
        extra.removeAll(model.frontendRules());
        Set<IngressRule> missing = new TreeSet<>(model.frontendRules());
        missing.removeAll(have);
        if (!extra.isEmpty()) {
          gate.call(
              "RevokeSecurityGroupIngress",
              Kind.IDEMPOTENT,
              () ->
                  ec2.revokeSecurityGroupIngress(
                      b -> b.groupId(frontend).ipPermissions(permissions(extra))));
        }
        authorize(frontend, missing);
      }
      groups.add(frontend);
    } else {
      groups.addAll(model.byoSecurityGroups());
    }
    groups.add(backendGroup);

    // 2. Target groups, before the NLB, so its checkpoint tag can name them.
    Map<String, String> tgArns = new LinkedHashMap<>();
    for (TargetGroupModel tg : model.targetGroups()) {
      String arn = observed.targetGroups().get(tg.name());
      Set<String> registered;
      if (arn == null) {
        arn = createTargetGroup(model, tg);
        registered = Set.of();
      } else {
        registered = observed.targets().getOrDefault(arn, Set.of());
      }
      syncTargets(arn, registered, model.targets());
      tgArns.put(tg.name(), arn);
    }
    List<String> ids =
        tgArns.values().stream().map(a -> a.substring(a.lastIndexOf('/') + 1)).toList();
    Map<String, String> checkpoint = new TreeMap<>();
    checkpoint.put(NlbModel.MODEL_HASH_TAG, model.modelHash());
    checkpoint.put(NlbModel.TARGETS_HASH_TAG, model.targetsHash());
    String joinedIds = String.join(",", ids);
    if (joinedIds.length() <= 256) {
      checkpoint.put(NlbModel.TARGET_GROUP_IDS_TAG, joinedIds);
    }

    // 3. The NLB.
    String lbArn;
    String dns;
    boolean created = observed.loadBalancer().isEmpty();
    if (created) {
      List<String> subnets = subnetIds(model);
      List<SubnetMapping> mappings = new ArrayList<>();
      for (int i = 0; i < subnets.size(); i++) {
        SubnetMapping.Builder m = SubnetMapping.builder().subnetId(subnets.get(i));
        if (!model.eipAllocations().isEmpty()) {
          m.allocationId(model.eipAllocations().get(i));
        }
        if (!model.privateIpv4Addresses().isEmpty()) {
          m.privateIPv4Address(model.privateIpv4Addresses().get(i));
        }
        mappings.add(m.build());
      }
      Map<String, String> lbTags = new TreeMap<>(model.tagsFor("load-balancer"));
      lbTags.putAll(checkpoint);
      LoadBalancer lb =
          gate.call(
                  "CreateLoadBalancer",
                  Kind.CREATE,
                  () ->
                      elb.createLoadBalancer(
                          b ->
                              b.name(model.loadBalancerName())
                                  .type(LoadBalancerTypeEnum.NETWORK)
                                  .scheme(
                                      model.internal()
                                          ? LoadBalancerSchemeEnum.INTERNAL
                                          : LoadBalancerSchemeEnum.INTERNET_FACING)
                                  .subnetMappings(mappings)
                                  .securityGroups(groups)
                                  .tags(elbTags(lbTags))))
              .loadBalancers()
              .getFirst();
      lbArn = lb.loadBalancerArn();
      dns = lb.dnsName();
    } else {
      Observed.Lb lb = observed.loadBalancer().get();
      lbArn = lb.arn();
      dns = lb.dnsName();
      String wantScheme = model.internal() ? "internal" : "internet-facing";
      if (lb.scheme() != null && !lb.scheme().equals(wantScheme)) {
        throw new UnsupportedFeatureException(
            Annotations.INTERNAL
                + ": the NLB "
                + model.loadBalancerName()
                + " is "
                + lb.scheme()
                + " and AWS cannot change the scheme of an existing NLB;"
                + " delete and re-create the Service to change it");
      }
      if (!new HashSet<>(lb.securityGroups()).equals(new HashSet<>(groups))) {
        gate.call(
            "SetSecurityGroups",
            Kind.IDEMPOTENT,
            () -> elb.setSecurityGroups(b -> b.loadBalancerArn(lbArn).securityGroups(groups)));
      }
    }
    if (model.crossZone().isPresent()
        && (created
            || !observed
                .loadBalancer()
                .get()
                .tags()
                .getOrDefault(NlbModel.MODEL_HASH_TAG, "")
                .equals(model.modelHash()))) {
      gate.call(
          "ModifyLoadBalancerAttributes",
          Kind.IDEMPOTENT,
          () ->
              elb.modifyLoadBalancerAttributes(
                  b ->
                      b.loadBalancerArn(lbArn)
                          .attributes(
                              LoadBalancerAttribute.builder()
                                  .key("load_balancing.cross_zone.enabled")
                                  .value(model.crossZone().get().toString())
                                  .build())));
    }

    // 4. Listeners: create, switch, delete.
    Set<Integer> wanted = new HashSet<>();
    for (ListenerModel listener : model.listeners()) {
      wanted.add(listener.port());
      String tgArn = tgArns.get(listener.targetGroup().name());
      Observed.Listener existing = observed.listeners().get(listener.port());
      Action forward = Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(tgArn).build();
      List<Certificate> certs =
          listener
              .certificateArn()
              .map(c -> List.of(Certificate.builder().certificateArn(c).build()))
              .orElse(List.of());
      if (existing == null) {
        gate.call(
            "CreateListener",
            Kind.CREATE,
            () ->
                elb.createListener(
                    b -> {
                      b.loadBalancerArn(lbArn)
                          .port(listener.port())
                          .protocol(listener.protocol())
                          .defaultActions(forward)
                          .tags(elbTags(model.tagsFor("listener")));
                      if (!certs.isEmpty()) {
                        b.certificates(certs);
                        listener.sslPolicy().ifPresent(b::sslPolicy);
                      }
                    }));
      } else if (!existing.protocol().equals(listener.protocol())
          || !existing.targetGroupArn().equals(tgArn)
          || !existing.certificateArn().equals(listener.certificateArn())
          || (listener.sslPolicy().isPresent()
              && !existing.sslPolicy().equals(listener.sslPolicy()))) {
        gate.call(
            "ModifyListener",
            Kind.IDEMPOTENT,
            () ->
                elb.modifyListener(
                    b -> {
                      b.listenerArn(existing.arn())
                          .port(listener.port())
                          .protocol(listener.protocol())
                          .defaultActions(forward);
                      if (!certs.isEmpty()) {
                        b.certificates(certs);
                        listener.sslPolicy().ifPresent(b::sslPolicy);
                      }
                    }));
      }
    }
    for (Observed.Listener existing : observed.listeners().values()) {
      if (!wanted.contains(existing.port())) {
        ignoreNotFound(
            () ->
                gate.call(
                    "DeleteListener",
                    Kind.IDEMPOTENT,
                    () -> elb.deleteListener(b -> b.listenerArn(existing.arn()))),
            "ListenerNotFound");
      }
    }

    // 5. Target groups no listener uses any more (replaced or removed ports).
    for (Map.Entry<String, String> old : observed.targetGroups().entrySet()) {
      if (!tgArns.containsKey(old.getKey())) {
        ignoreNotFound(
            () ->
                gate.call(
                    "DeleteTargetGroup",
                    Kind.IDEMPOTENT,
                    () -> elb.deleteTargetGroup(b -> b.targetGroupArn(old.getValue()))),
            "TargetGroupNotFound");
      }
    }

    // 6. The checkpoint, last: it claims everything above is in place.
    if (!created
        && !checkpoint.entrySet().stream()
            .allMatch(
                e -> e.getValue().equals(observed.loadBalancer().get().tags().get(e.getKey())))) {
      gate.call(
          "AddTags",
          Kind.IDEMPOTENT,
          () -> elb.addTags(b -> b.resourceArns(lbArn).tags(elbTags(checkpoint))));
    }
    return new ServiceState(
        Optional.of(model),
        model.modelHash(),
        model.targetsHash(),
        lbArn,
        dns,
        Map.copyOf(tgArns),
        ids,
        Optional.of(Set.copyOf(model.targets())));
  }

  private String createTargetGroup(NlbModel model, TargetGroupModel tg) {
    // A DuplicateTargetGroupName means an earlier, interrupted attempt created it: the caller reads
    // the Service's resources again (the settings are in the name, so it is the group we want).
    String arn =
        gate.call(
                "CreateTargetGroup",
                Kind.CREATE,
                () ->
                    elb.createTargetGroup(
                        b -> {
                          b.name(tg.name())
                              .protocol(tg.protocol())
                              .port(tg.nodePort())
                              .vpcId(network.vpcId())
                              .targetType(TargetTypeEnum.INSTANCE)
                              .healthCheckProtocol(tg.healthCheck().protocol())
                              .healthCheckPort(tg.healthCheck().port())
                              .healthCheckIntervalSeconds(tg.healthCheck().intervalSeconds())
                              .healthCheckTimeoutSeconds(tg.healthCheck().timeoutSeconds())
                              .healthyThresholdCount(tg.healthCheck().healthyThreshold())
                              .unhealthyThresholdCount(tg.healthCheck().unhealthyThreshold())
                              .tags(elbTags(model.tagsFor("target-group")));
                          tg.healthCheck().path().ifPresent(b::healthCheckPath);
                        }))
            .targetGroups()
            .getFirst()
            .targetGroupArn();
    if (!tg.attributes().isEmpty()) {
      String created = arn;
      List<TargetGroupAttribute> attributes = new ArrayList<>();
      tg.attributes()
          .forEach(
              (k, v) -> attributes.add(TargetGroupAttribute.builder().key(k).value(v).build()));
      gate.call(
          "ModifyTargetGroupAttributes",
          Kind.IDEMPOTENT,
          () ->
              elb.modifyTargetGroupAttributes(
                  b -> b.targetGroupArn(created).attributes(attributes)));
    }
    return arn;
  }

  private void syncTargets(String tgArn, Set<String> registered, Set<String> wanted) {
    List<String> remove = registered.stream().filter(t -> !wanted.contains(t)).sorted().toList();
    List<String> add = wanted.stream().filter(t -> !registered.contains(t)).sorted().toList();
    // Deregister first, so replacing instances works at the target limit (upstream's order too).
    for (int i = 0; i < remove.size(); i += REGISTER_CHUNK) {
      List<TargetDescription> chunk =
          targets(remove.subList(i, Math.min(remove.size(), i + REGISTER_CHUNK)));
      gate.call(
          "DeregisterTargets",
          Kind.IDEMPOTENT,
          () -> elb.deregisterTargets(b -> b.targetGroupArn(tgArn).targets(chunk)));
    }
    for (int i = 0; i < add.size(); i += REGISTER_CHUNK) {
      List<TargetDescription> chunk =
          targets(add.subList(i, Math.min(add.size(), i + REGISTER_CHUNK)));
      gate.call(
          "RegisterTargets",
          Kind.IDEMPOTENT,
          () -> elb.registerTargets(b -> b.targetGroupArn(tgArn).targets(chunk)));
    }
  }

  private Set<String> registeredTargets(String tgArn) {
    Set<String> ids = new TreeSet<>();
    try {
      gate.call(
              "DescribeTargetHealth",
              Kind.IDEMPOTENT,
              () -> elb.describeTargetHealth(b -> b.targetGroupArn(tgArn)))
          .targetHealthDescriptions()
          .forEach(
              d -> {
                String state = d.targetHealth() == null ? "" : d.targetHealth().stateAsString();
                if (!"draining".equals(state)) {
                  ids.add(d.target().id());
                }
              });
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "TargetGroupNotFound")) {
        throw e;
      }
    }
    return ids;
  }

  private void authorize(String groupId, Set<IngressRule> rules) {
    if (rules.isEmpty()) {
      return;
    }
    gate.call(
        "AuthorizeSecurityGroupIngress",
        Kind.CREATE,
        () ->
            ec2.authorizeSecurityGroupIngress(
                b -> b.groupId(groupId).ipPermissions(permissions(rules))));
  }

  @Override
  public void ensureDeleted(ServiceKey service) {
    ReentrantLock lock = locks.computeIfAbsent(service.uid(), k -> new ReentrantLock());
    lockInterruptibly(lock);
    try {
      deleteLocked(service);
    } finally {
      lock.unlock();
      locks.remove(service.uid());
    }
  }

  private void deleteLocked(ServiceKey service) {
    states.remove(service.uid());
    pendingCheckpoints.remove(service.uid());
    String name = Names.loadBalancer(cluster, service);
    try {
      // By name and by tag: a crash after DeleteLoadBalancer leaves tagged target groups and
      // groups that only the tag search still finds.
      List<LoadBalancer> lbs = describeByNames(List.of(name));
      List<ResourceTagMapping> owned =
          ownedResources(
              service,
              "elasticloadbalancing:loadbalancer",
              "elasticloadbalancing:targetgroup",
              "ec2:security-group");
      Set<String> lbArns = new TreeSet<>();
      lbs.forEach(lb -> lbArns.add(lb.loadBalancerArn()));
      List<String> tgArns = new ArrayList<>();
      List<String> sgIds = new ArrayList<>();
      for (ResourceTagMapping r : owned) {
        String arn = r.resourceARN();
        if (arn.contains(":loadbalancer/")) {
          lbArns.add(arn);
        } else if (arn.contains(":targetgroup/")) {
          tgArns.add(arn);
        } else if (arn.contains(":security-group/")) {
          sgIds.add(arn.substring(arn.indexOf(":security-group/") + 16));
        }
      }
      // The NLB first (its listeners go with it), then what it used, the witness group last.
      for (String arn : lbArns) {
        ignoreNotFound(
            () ->
                gate.call(
                    "DeleteLoadBalancer",
                    Kind.IDEMPOTENT,
                    () -> elb.deleteLoadBalancer(b -> b.loadBalancerArn(arn))),
            "LoadBalancerNotFound");
      }
      for (String arn : tgArns) {
        try {
          ignoreNotFound(
              () ->
                  gate.call(
                      "DeleteTargetGroup",
                      Kind.IDEMPOTENT,
                      () -> elb.deleteTargetGroup(b -> b.targetGroupArn(arn))),
              "TargetGroupNotFound");
        } catch (AwsServiceException e) {
          if (AwsErrors.is(e, "ResourceInUse")) {
            throw new RetryLaterException(
                "target group " + arn + " is still in use while the NLB" + " is being deleted",
                Duration.ofSeconds(5));
          }
          throw e;
        }
      }
      for (String id : sgIds) {
        try {
          ignoreNotFound(
              () ->
                  gate.call(
                      "DeleteSecurityGroup",
                      Kind.IDEMPOTENT,
                      () -> ec2.deleteSecurityGroup(b -> b.groupId(id))),
              "InvalidGroup.NotFound",
              "InvalidGroupId.NotFound");
        } catch (AwsServiceException e) {
          if (AwsErrors.is(e, "DependencyViolation")) {
            throw new RetryLaterException(
                "security group " + id + " is still attached to the" + " NLB's network interfaces",
                Duration.ofSeconds(10));
          }
          throw e;
        }
      }
      network.forgetFrontend(service.uid());
    } catch (AwsServiceException e) {
      throw failure("deleting the NLB of " + service.qualifiedName(), e);
    } catch (AmbiguousWriteException e) {
      throw new ProviderFailureException(e.getMessage(), e);
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new ProviderFailureException("AWS call failed: " + e.getMessage(), e);
    }
  }

  private List<ResourceTagMapping> ownedResources(ServiceKey service, String... types) {
    List<ResourceTagMapping> all = new ArrayList<>();
    String token = "";
    do {
      String next = token;
      var page =
          gate.call(
              "GetResources",
              Kind.IDEMPOTENT,
              () ->
                  tagging.getResources(
                      b ->
                          b.tagFilters(
                                  TagFilter.builder()
                                      .key(NlbModel.CLUSTER_TAG_PREFIX + cluster)
                                      .values("owned")
                                      .build(),
                                  TagFilter.builder()
                                      .key(NlbModel.SERVICE_UID_TAG)
                                      .values(service.uid())
                                      .build())
                              .resourceTypeFilters(types)
                              .paginationToken(next.isEmpty() ? null : next)));
      all.addAll(page.resourceTagMappingList());
      token = page.paginationToken() == null ? "" : page.paginationToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Batched by name; a missing name fails the whole batch on AWS, so halve and retry. */
  private List<LoadBalancer> describeByNames(List<String> names) {
    if (names.isEmpty()) {
      return List.of();
    }
    try {
      return gate
          .call(
              "DescribeLoadBalancers",
              Kind.IDEMPOTENT,
              () -> elb.describeLoadBalancers(b -> b.names(names)))
          .loadBalancers()
          .stream()
          .filter(lb -> names.contains(lb.loadBalancerName()))
          .toList();
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "LoadBalancerNotFound")) {
        throw failure("describing NLBs " + names, e);
      }
      if (names.size() == 1) {
        return List.of();
      }
      List<LoadBalancer> found =
          new ArrayList<>(describeByNames(names.subList(0, names.size() / 2)));
      found.addAll(describeByNames(names.subList(names.size() / 2, names.size())));
      return found;
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
    ReentrantLock lock = locks.get(uid);
    if (model.isEmpty() || lock == null || !lock.tryLock()) {
      return;
    }
    try {
      if (states.containsKey(uid)) {
        ensureLocked(model.get(), true);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    if (drift != null) {
      drift.close();
    }
    Thread flusher = checkpointer;
    if (flusher != null) {
      flusher.interrupt();
    }
    try {
      flushCheckpoints(true); // a graceful restart then finds every checkpoint current
    } catch (RuntimeException e) {
      LOG.info("Targets checkpoints not written on close: {}", e.getMessage());
    }
    elb.close();
    ec2.close();
    tagging.close();
  }

  private static LoadBalancerStatus status(String dns) {
    return LoadBalancerStatus.of(new LoadBalancerStatus.Hostname(dns));
  }

  private static void lockInterruptibly(ReentrantLock lock) {
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  private static void ignoreNotFound(Runnable call, String... codes) {
    try {
      call.run();
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, codes)) {
        throw e;
      }
    }
  }

  private static ProviderFailureException failure(String what, AwsServiceException e) {
    return new ProviderFailureException(
        what
            + ": "
            + AwsErrors.code(e)
            + ": "
            + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()),
        e);
  }

  private static List<TargetDescription> targets(List<String> ids) {
    return ids.stream().map(id -> TargetDescription.builder().id(id).build()).toList();
  }

  private static Map<String, String> toMap(
      List<software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag> tags) {
    Map<String, String> map = new HashMap<>();
    tags.forEach(t -> map.put(t.key(), t.value()));
    return map;
  }

  private static List<software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag> elbTags(
      Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(
            e ->
                software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag.builder()
                    .key(e.getKey())
                    .value(e.getValue())
                    .build())
        .toList();
  }

  private static List<software.amazon.awssdk.services.ec2.model.Tag> ec2Tags(
      Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(
            e ->
                software.amazon.awssdk.services.ec2.model.Tag.builder()
                    .key(e.getKey())
                    .value(e.getValue())
                    .build())
        .toList();
  }

  static Set<IngressRule> rules(List<IpPermission> permissions) {
    Set<IngressRule> rules = new TreeSet<>();
    for (IpPermission p : permissions) {
      int from = p.fromPort() == null ? -1 : p.fromPort();
      int to = p.toPort() == null ? -1 : p.toPort();
      p.ipRanges().forEach(r -> rules.add(new IngressRule(p.ipProtocol(), from, to, r.cidrIp())));
      p.ipv6Ranges()
          .forEach(r -> rules.add(new IngressRule(p.ipProtocol(), from, to, r.cidrIpv6())));
    }
    return rules;
  }

  static List<IpPermission> permissions(Set<IngressRule> rules) {
    Map<String, List<IngressRule>> grouped = new TreeMap<>();
    for (IngressRule rule : rules) {
      grouped
          .computeIfAbsent(
              rule.protocol() + "|" + rule.fromPort() + "|" + rule.toPort(), k -> new ArrayList<>())
          .add(rule);
    }
    List<IpPermission> permissions = new ArrayList<>();
    for (List<IngressRule> group : grouped.values()) {
      IngressRule first = group.getFirst();
      permissions.add(
          IpPermission.builder()
              .ipProtocol(first.protocol())
              .fromPort(first.fromPort())
              .toPort(first.toPort())
              .ipRanges(
                  group.stream()
                      .filter(r -> !r.ipv6())
                      .map(r -> IpRange.builder().cidrIp(r.cidr()).build())
                      .toList())
              .ipv6Ranges(
                  group.stream()
                      .filter(IngressRule::ipv6)
                      .map(r -> Ipv6Range.builder().cidrIpv6(r.cidr()).build())
                      .toList())
              .build());
    }
    return permissions;
  }
}
