package dev.fairlead.lb.azure.internal;

import com.azure.resourcemanager.network.fluent.models.LoadBalancerInner;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.azure.model.DesiredService;
import dev.fairlead.lb.azure.model.LbChange;
import dev.fairlead.lb.azure.model.LbDocument;
import dev.fairlead.lb.azure.model.LbMerge;
import dev.fairlead.lb.azure.model.Names;
import dev.fairlead.lb.azure.model.NsgChange;
import dev.fairlead.lb.azure.model.SecurityRule;
import dev.fairlead.lb.azure.model.ServiceModel;
import dev.fairlead.lb.azure.model.Topology;
import dev.fairlead.lb.cloud.CallGate;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.cloud.KeyedLocks;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Azure provider: thin glue over the model and the executors. An {@code ensure} computes the
 * Service's desired resources (pure), makes sure its public IP exists, hands its part of the
 * shared load balancer to that load balancer's {@link Coalescer} and its admissions to the
 * security group's, and returns when the writes that carried them have succeeded. Nothing is
 * serialised across Services except the writes to one shared resource, which carry many Services
 * each.
 *
 * <p>API economy: at start one list of load balancers, one read of the security group and one list
 * of public IPs fill the caches, so an unchanged Service costs no request; a node change is one
 * backend-pool write per load balancer, whatever the number of Services.
 */
final class AzureLoadBalancerProvider implements LoadBalancerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(AzureLoadBalancerProvider.class);
  private static final long SNAPSHOT_MAX_AGE = Duration.ofMinutes(5).toNanos();

  /** What the provider learnt about a Service, for its delete. */
  private record Known(String address, Set<String> nodePorts) {}

  private final Topology topology;
  private final Arm arm;
  private final PublicIps publicIps;
  private final Map<Boolean, LoadBalancerWriter> writers;
  private final Map<Boolean, Coalescer<LbChange, LbDocument>> loadBalancers;
  private final Optional<SecurityGroupWriter> securityGroupWriter;
  private final Optional<Coalescer<NsgChange, List<SecurityRule>>> securityGroup;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final KeyedLocks locks = new KeyedLocks();

  AzureLoadBalancerProvider(Topology topology, Arm arm, CallGate.Ticker ticker) {
    this.topology = topology;
    this.arm = arm;
    this.publicIps = new PublicIps(topology, arm);
    LoadBalancerWriter external = new LoadBalancerWriter(Names.loadBalancer(topology.cluster(), false), topology, arm,
        LbMerge.Limits.standard(), ticker, SNAPSHOT_MAX_AGE);
    LoadBalancerWriter internal = new LoadBalancerWriter(Names.loadBalancer(topology.cluster(), true), topology, arm,
        LbMerge.Limits.standard(), ticker, SNAPSHOT_MAX_AGE);
    this.writers = Map.of(false, external, true, internal);
    this.loadBalancers = Map.of(false, new Coalescer<>(external.name(), external),
        true, new Coalescer<>(internal.name(), internal));
    this.securityGroupWriter = topology.securityGroup().map(g -> new SecurityGroupWriter(topology, arm, ticker,
        SNAPSHOT_MAX_AGE));
    this.securityGroup = securityGroupWriter.map(w -> new Coalescer<>("nsg " + topology.securityGroup().get().name(), w));
  }

  @Override
  public ProviderCapabilities capabilities() {
    return AzureProviders.CAPABILITIES;
  }

  /** The gate every call passes (for tests that look at the throttling delay). */
  CallGate gate() {
    return arm.gate();
  }

  /**
   * How often each shared resource was written (batches with something to change or not).
   *
   * @return coalescer name to writer calls
   */
  Map<String, Integer> coalescedWrites() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    loadBalancers.values().forEach(c -> out.put(c.toString(), c.writes()));
    return out;
  }

  @Override
  public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    published.forEach((key, status) -> status.ingress().stream()
        .filter(LoadBalancerStatus.Ip.class::isInstance).map(i -> ((LoadBalancerStatus.Ip) i).address())
        .findFirst().ifPresent(a -> known.put(key.uid(), new Known(a.getHostAddress(), Set.of()))));
    try {
      List<LoadBalancerInner> all = arm.gate().call("loadBalancers.list", CallKind.READ,
          () -> arm.client().getLoadBalancers().listByResourceGroup(topology.resourceGroup()).stream().toList());
      writers.values().forEach(w -> w.seen(all.stream().filter(lb -> lb.name().equalsIgnoreCase(w.name()))
          .findFirst().orElse(null)));
      securityGroupWriter.ifPresent(SecurityGroupWriter::refresh);
      publicIps.list(topology.resourceGroup());
      LOG.info("Azure provider ready: {} of the cluster's load balancers exist, {} Services published",
          all.stream().filter(lb -> writers.values().stream().anyMatch(w -> w.name().equalsIgnoreCase(lb.name())))
              .count(), published.size());
    } catch (RuntimeException e) {
      LOG.warn("Reading the cluster's Azure resources at start failed; each will be read on first use: {}",
          e.getMessage());
    }
  }

  @Override
  public Optional<LoadBalancerStatus> find(ServiceKey service) {
    String owner = Names.owner(service);
    for (LoadBalancerWriter writer : writers.values()) {
      for (LbDocument.Frontend f : writer.refresh().frontends()) {
        if (!Names.ownedBy(f.name(), owner)) {
          continue;
        }
        Optional<String> ip = switch (f.target()) {
          case LbDocument.Target.Subnet s -> f.privateAddress();
          case LbDocument.Target.PublicIp p -> publicIpAddress(p.publicIpId());
          case LbDocument.Target.Other o -> Optional.empty();
        };
        if (ip.isPresent()) {
          return Optional.of(status(ip.get()));
        }
      }
    }
    return publicIps.refresh(topology.resourceGroup(), Names.publicIp(topology.cluster(), service))
        .filter(a -> a.ownedBy(topology.cluster(), service.qualifiedName()))
        .flatMap(PublicIps.Address::ip).map(AzureLoadBalancerProvider::status);
  }

  private Optional<String> publicIpAddress(String id) {
    String[] parts = id.split("/");
    return publicIps.refresh(parts[4], parts[parts.length - 1]).flatMap(PublicIps.Address::ip);
  }

  @Override
  public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    DesiredService desired = ServiceModel.build(spec, topology); // invalid input fails here, before any call
    try (KeyedLocks.Held held = locks.lock(spec.service().uid())) {
      // A Service that switched between public and internal leaves the other load balancer first.
      LoadBalancerWriter other = writers.get(!desired.internal());
      if (other.holds(desired.owner())) {
        loadBalancers.get(!desired.internal()).apply(List.of(new LbChange.RemovePart(desired.owner())));
      }
      LbDocument.Target target;
      Optional<PublicIps.Address> publicIp = Optional.empty();
      if (desired.publicIp().isPresent()) {
        PublicIps.Address address = switch (desired.publicIp().get()) {
          case DesiredService.PublicIpChoice.Named named -> publicIps.ensure(named.desired());
          case DesiredService.PublicIpChoice.ByAddress by -> publicIps.byIp(by.resourceGroup(), by.address())
              .orElseThrow(() -> ProviderFailureException.userError("no public IP address " + by.address()
                  + " in resource group " + by.resourceGroup() + ": create one (Standard, static) to request it"));
        };
        publicIp = Optional.of(address);
        target = new LbDocument.Target.PublicIp(address.id());
      } else {
        target = desired.subnetTarget().orElseThrow();
      }
      List<LbDocument> written = loadBalancers.get(desired.internal()).apply(List.of(
          new LbChange.PutPart(desired.part(target)), new LbChange.SetBackends(desired.backends())));
      if (desired.internal()) {
        // A Service that turned internal keeps no public IP the provider created for it.
        publicIps.get(topology.resourceGroup(), Names.publicIp(topology.cluster(), spec.service()))
            .or(() -> publicIps.ownedBy(spec.service().qualifiedName()))
            .filter(a -> a.ownedBy(topology.cluster(), spec.service().qualifiedName()))
            .ifPresent(publicIps::delete);
      }
      String ip = publicIp.isPresent() ? publicIp.get().ip().orElseThrow()
          : written.getFirst().frontend(desired.frontendName()).flatMap(LbDocument.Frontend::privateAddress)
              .orElseThrow(() -> new ProviderFailureException("Azure has not allocated the private address of "
                  + desired.frontendName() + " yet"));
      Known previous = known.get(spec.service().uid());
      known.put(spec.service().uid(), new Known(ip, desired.nodePorts()));
      if (securityGroup.isPresent()) {
        Set<String> addresses = new HashSet<>(Set.of(ip));
        if (previous != null && !previous.address().equals(ip)) {
          addresses.add(previous.address()); // forget the old address of a Service that moved
        }
        Set<String> nodePorts = new HashSet<>(desired.nodePorts());
        if (previous != null) {
          nodePorts.addAll(previous.nodePorts());
        }
        securityGroup.get().apply(List.of(new NsgChange.RemoveService(desired.owner(), addresses, nodePorts),
            new NsgChange.PutService(desired.owner(), Set.of(ip), desired.nodePorts(), desired.securityRules(),
                desired.dedicatedSecurityRules(), desired.backends().stream().map(LbDocument.PoolAddress::address)
                    .toList())));
      }
      return status(ip);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    DesiredService desired = ServiceModel.build(spec, topology);
    loadBalancers.get(desired.internal()).apply(List.of(new LbChange.SetBackends(desired.backends())));
    securityGroup.ifPresent(nsg -> nsg.apply(List.of(new NsgChange.SetNodes(
        desired.backends().stream().map(LbDocument.PoolAddress::address).toList()))));
  }

  @Override
  public void ensureDeleted(ServiceKey service) {
    String owner = Names.owner(service);
    try (KeyedLocks.Held held = locks.lock(service.uid())) {
      Set<String> addresses = new HashSet<>();
      Known remembered = known.get(service.uid());
      if (remembered != null) {
        addresses.add(remembered.address());
      }
      // 1. The Service's frontend, rules and probes, in one write per load balancer that has them. A
      //    load balancer whose snapshot lacks them is read again: another instance may have written.
      boolean internalFrontend = false;
      for (boolean internal : List.of(false, true)) {
        LoadBalancerWriter writer = writers.get(internal);
        if (!writer.holds(owner) && !writer.holdsAfterRefresh(owner)) {
          continue;
        }
        for (LbDocument.Frontend f : writer.current().frontends()) {
          if (Names.ownedBy(f.name(), owner)) {
            f.privateAddress().ifPresent(addresses::add);
            internalFrontend |= internal;
          }
        }
        loadBalancers.get(internal).apply(List.of(new LbChange.RemovePart(owner)));
      }
      // 2. Its public IP, if the provider created it (a user's own address stays). Looked up for
      //    real, by name and then by its ownership tags, so no address leaks after a restart.
      if (!internalFrontend) {
        Optional<PublicIps.Address> address = publicIps.refresh(topology.resourceGroup(),
            Names.publicIp(topology.cluster(), service));
        if (address.isEmpty()) {
          publicIps.list(topology.resourceGroup());
          address = publicIps.ownedBy(service.qualifiedName());
        }
        if (address.isPresent() && address.get().ownedBy(topology.cluster(), service.qualifiedName())) {
          address.get().ip().ifPresent(addresses::add);
          publicIps.delete(address.get());
        }
      }
      // 3. Its admissions in the security group.
      if (securityGroup.isPresent()) {
        securityGroup.get().apply(List.of(new NsgChange.RemoveService(owner, addresses,
            remembered == null ? Set.of() : remembered.nodePorts())));
      }
      known.remove(service.uid());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted", e);
    }
  }

  private static LoadBalancerStatus status(String ip) {
    return LoadBalancerStatus.of(new LoadBalancerStatus.Ip(InetAddress.ofLiteral(ip)));
  }

  @Override
  public void close() {
    loadBalancers.values().forEach(Coalescer::close);
    securityGroup.ifPresent(Coalescer::close);
  }
}
