package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.ServiceKey;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Assigns addresses from pools to Services. Pure and single-threaded (the provider serialises
 * calls): the state is only what is assigned to whom, rebuilt from published Service status with
 * {@link #restore} before anything new is allocated, so a restart never moves or duplicates an
 * address. An address that any other Service in the cluster publishes (another controller's, of
 * any class) is taken too. Two controllers may still pick the same free address at the same moment;
 * once each sees the other's status, the Service with the greater UID gives the address up ({@link
 * #displaced}), the same decision on both sides, so exactly one keeps it.
 */
public final class Allocator {

  /** Who holds an address, and on which terms it may be shared. */
  private record Holder(ServiceKey service, Optional<Sharing> sharing, boolean restored) {}

  private final Map<InetAddress, List<Holder>> holders = new HashMap<>();
  private final Map<String, AllocationResult.Allocated> byService = new HashMap<>();

  /**
   * Records that a Service already holds addresses (from its published status), whatever the pools
   * say now. Its sharing terms are learned at its next {@link #allocate}.
   *
   * @param service the Service
   * @param addresses the addresses it publishes
   * @param catalog the pools, to name the pool of each address
   */
  public void restore(ServiceKey service, List<InetAddress> addresses, PoolCatalog catalog) {
    release(service);
    List<String> pools = new ArrayList<>();
    for (InetAddress address : addresses) {
      holders.computeIfAbsent(address, a -> new ArrayList<>())
          .add(new Holder(service, Optional.empty(), true));
      pools.add(catalog.poolOf(address).map(Pool::name).orElse(""));
    }
    byService.put(service.uid(), new AllocationResult.Allocated(addresses, pools));
  }

  /**
   * The addresses a Service holds.
   *
   * @param service the Service
   * @return its allocation, if any
   */
  public Optional<AllocationResult.Allocated> lookup(ServiceKey service) {
    return Optional.ofNullable(byService.get(service.uid()));
  }

  /**
   * Every address held through this allocator.
   *
   * @return a snapshot
   */
  public Set<InetAddress> held() {
    return Set.copyOf(holders.keySet());
  }

  /**
   * Frees a Service's addresses.
   *
   * @param service the Service
   * @return true if it held any
   */
  public boolean release(ServiceKey service) {
    AllocationResult.Allocated previous = byService.remove(service.uid());
    if (previous == null) {
      return false;
    }
    for (InetAddress address : previous.addresses()) {
      List<Holder> list = holders.get(address);
      if (list != null) {
        list.removeIf(h -> h.service().uid().equals(service.uid()));
        if (list.isEmpty()) {
          holders.remove(address);
        }
      }
    }
    return true;
  }

  /**
   * Gives the Service addresses, with no other Service in the cluster to consider.
   *
   * @param request what the Service asks for
   * @param catalog the pools in force
   * @return the allocation or why there is none
   */
  public AllocationResult allocate(AllocationRequest request, PoolCatalog catalog) {
    return allocate(request, catalog, Map.of());
  }

  /**
   * Gives the Service addresses, keeping what it already holds whenever that still satisfies the
   * request. On failure nothing changes (the Service keeps any addresses it had).
   *
   * @param request what the Service asks for
   * @param catalog the pools in force
   * @param published every address Services in the cluster publish, with who publishes it; those
   *     of Services this allocator does not manage are taken
   * @return the allocation or why there is none
   */
  public AllocationResult allocate(
      AllocationRequest request, PoolCatalog catalog, Map<InetAddress, Set<ServiceKey>> published) {
    Map<InetAddress, String> foreign = foreign(published, request.service());
    AllocationResult.Allocated current = byService.get(request.service().uid());
    if (current != null && stillSatisfies(current, request, catalog)
        && current.addresses().stream().noneMatch(a -> displacedAt(a, request.service(), published))) {
      commit(request, current);
      return current;
    }
    AllocationResult result =
        request.requested().isEmpty()
            ? automatic(request, catalog, foreign)
            : requested(request, catalog, foreign);
    if (result instanceof AllocationResult.Allocated allocated) {
      release(request.service());
      allocated = new AllocationResult.Allocated(allocated.addresses(), allocated.pools(),
          notShared(request, allocated.addresses(), foreign));
      commit(request, allocated);
      return allocated;
    }
    return result;
  }

  /**
   * The Services held here that must give up an address: another Service this allocator does not
   * manage publishes it too and has the smaller UID (two controllers raced for a free address).
   *
   * @param published every address Services in the cluster publish, with who publishes it
   * @return the Services to allocate again
   */
  public List<ServiceKey> displaced(Map<InetAddress, Set<ServiceKey>> published) {
    List<ServiceKey> result = new ArrayList<>();
    holders.forEach((address, list) -> list.stream()
        .map(Holder::service)
        .filter(service -> displacedAt(address, service, published))
        .forEach(result::add));
    return result;
  }

  private boolean displacedAt(
      InetAddress address, ServiceKey service, Map<InetAddress, Set<ServiceKey>> published) {
    return published.getOrDefault(address, Set.of()).stream()
        .anyMatch(other -> !byService.containsKey(other.uid()) && other.uid().compareTo(service.uid()) < 0);
  }

  /** Addresses published by Services this allocator does not manage, with their publishers. */
  private Map<InetAddress, String> foreign(
      Map<InetAddress, Set<ServiceKey>> published, ServiceKey requester) {
    Map<InetAddress, String> foreign = new HashMap<>();
    published.forEach((address, services) -> {
      String others = services.stream()
          .filter(s -> !s.uid().equals(requester.uid()) && !byService.containsKey(s.uid()))
          .map(ServiceKey::qualifiedName)
          .sorted()
          .collect(Collectors.joining(", "));
      if (!others.isEmpty()) {
        foreign.put(address, others);
      }
    });
    return foreign;
  }

  private boolean stillSatisfies(
      AllocationResult.Allocated current, AllocationRequest request, PoolCatalog catalog) {
    List<InetAddress> addresses = current.addresses();
    if (!addresses.stream().map(IpFamily::of).toList().equals(request.families())) {
      return false;
    }
    if (!request.requested().isEmpty() && !Set.copyOf(request.requested()).equals(Set.copyOf(addresses))) {
      return false;
    }
    for (InetAddress address : addresses) {
      Optional<Pool> pool = catalog.poolOf(address);
      if (request.pool().isPresent()
          && (pool.isEmpty() || !pool.get().name().equals(request.pool().get()))) {
        return false;
      }
      if (whyNotShareable(address, request, Map.of()).isPresent()) {
        return false;
      }
    }
    return true; // an address outside every pool (pool deleted) is kept: never move a live VIP
  }

  private AllocationResult requested(
      AllocationRequest request, PoolCatalog catalog, Map<InetAddress, String> foreign) {
    List<String> pools = new ArrayList<>();
    for (InetAddress address : request.requested()) {
      String text = IpLiteral.format(address);
      Optional<Pool> pool = catalog.poolOf(address);
      if (pool.isEmpty() || !pool.get().usable(address)) {
        return new AllocationResult.Unavailable("requested address " + text
            + " is not in any usable IPAddressPool", AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
      }
      if (request.pool().isPresent() && !request.pool().get().equals(pool.get().name())) {
        return new AllocationResult.Unavailable("requested address " + text + " is in IPAddressPool '"
            + pool.get().name() + "', not in the requested pool '" + request.pool().get() + "'",
            AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
      }
      Optional<String> refused = refusal(pool.get(), request);
      if (refused.isPresent()) {
        return new AllocationResult.Unavailable(refused.get(), AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
      }
      Optional<String> notShareable = whyNotShareable(address, request, foreign);
      if (notShareable.isPresent()) {
        return new AllocationResult.Unavailable("requested address " + text + " is already used: "
            + notShareable.get(), AllocationResult.Retry.WHEN_ADDRESSES_FREE);
      }
      pools.add(pool.get().name());
    }
    return new AllocationResult.Allocated(request.requested(), pools);
  }

  private AllocationResult automatic(
      AllocationRequest request, PoolCatalog catalog, Map<InetAddress, String> foreign) {
    List<Pool> candidates;
    if (request.pool().isPresent()) {
      String name = request.pool().get();
      Optional<Pool> pool = catalog.pool(name);
      if (pool.isEmpty()) {
        String why = catalog.problems().containsKey(name)
            ? "has no usable addresses: " + catalog.problems().get(name) : "does not exist";
        return new AllocationResult.Unavailable("IPAddressPool '" + name + "' " + why,
            AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
      }
      Optional<String> refused = refusal(pool.get(), request);
      if (refused.isPresent()) {
        return new AllocationResult.Unavailable(refused.get(), AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
      }
      candidates = List.of(pool.get());
    } else {
      candidates = catalog.pools().stream()
          .filter(Pool::autoAssign)
          .filter(p -> p.allows(request.service().namespace(), request.labels()))
          .sorted(Comparator.comparing((Pool p) -> !p.isPinned()).thenComparing(Pool::name))
          .toList();
      if (candidates.isEmpty()) {
        return new AllocationResult.Unavailable("no IPAddressPool with autoAssign allows this Service"
            + " (namespace '" + request.service().namespace() + "', labels " + new TreeMap<>(request.labels())
            + ")", AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
      }
    }
    for (IpFamily family : request.families()) {
      if (candidates.stream().noneMatch(p -> p.serves(family))) {
        return new AllocationResult.Unavailable(names(candidates) + (candidates.size() == 1 ? " has" : " have")
            + " no " + family.kubernetesName() + " range, but the Service asks for "
            + family.kubernetesName() + " (spec.ipFamilies "
            + request.families().stream().map(IpFamily::kubernetesName).toList() + ")",
            AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
      }
    }
    // Prefer one pool that serves every family (dual-stack from one pool), else any pool per family.
    for (Pool pool : candidates) {
      List<InetAddress> picked = new ArrayList<>();
      for (IpFamily family : request.families()) {
        pick(pool, family, request, foreign).ifPresent(picked::add);
      }
      if (picked.size() == request.families().size()) {
        return new AllocationResult.Allocated(picked, Collections.nCopies(picked.size(), pool.name()));
      }
    }
    List<InetAddress> picked = new ArrayList<>();
    List<String> pools = new ArrayList<>();
    for (IpFamily family : request.families()) {
      boolean found = false;
      for (Pool pool : candidates) {
        Optional<InetAddress> address = pick(pool, family, request, foreign);
        if (address.isPresent()) {
          picked.add(address.get());
          pools.add(pool.name());
          found = true;
          break;
        }
      }
      if (!found) {
        return new AllocationResult.Unavailable("no free " + family.kubernetesName() + " address in "
            + "IPAddressPool(s) " + names(candidates), AllocationResult.Retry.WHEN_ADDRESSES_FREE);
      }
    }
    return new AllocationResult.Allocated(picked, pools);
  }

  private static String names(List<Pool> pools) {
    return pools.stream().map(p -> "'" + p.name() + "'").collect(Collectors.joining(", "));
  }

  /** Why a pool does not take this Service, naming the field, or empty if it does. */
  private static Optional<String> refusal(Pool pool, AllocationRequest request) {
    String namespace = request.service().namespace();
    if (!pool.namespaces().isEmpty() && !pool.namespaces().contains(namespace)) {
      return Optional.of("IPAddressPool '" + pool.name() + "' does not allow this Service: namespace '"
          + namespace + "' is not in its spec.namespaces " + new java.util.TreeSet<>(pool.namespaces()));
    }
    if (!pool.allows(namespace, request.labels())) {
      return Optional.of("IPAddressPool '" + pool.name() + "' does not allow this Service: its labels "
          + new TreeMap<>(request.labels()) + " do not match the pool's spec.serviceSelector");
    }
    return Optional.empty();
  }

  /** An address to share (same sharing key) first, else the lowest free one. */
  private Optional<InetAddress> pick(
      Pool pool, IpFamily family, AllocationRequest request, Map<InetAddress, String> foreign) {
    Optional<InetAddress> shared = sameKey(family, request).stream()
        .filter(pool::usable)
        .filter(a -> whyNotShareable(a, request, foreign).isEmpty())
        .findFirst();
    if (shared.isPresent()) {
      return shared;
    }
    for (AddressRange block : pool.blocks()) {
      if (block.family() != family) {
        continue;
      }
      BigInteger size = block.size();
      // Bounded: at most every taken address plus the .0/.255 skips lie before the first free one.
      long limit = Math.min(size.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue(),
          (holders.size() + foreign.size()) * 2L + 1_000L);
      for (long offset = 0; offset < limit; offset++) {
        InetAddress candidate = block.at(BigInteger.valueOf(offset));
        if (pool.usable(candidate) && !holders.containsKey(candidate) && !foreign.containsKey(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** Addresses of a family held by others with the request's sharing key, lowest first. */
  private List<InetAddress> sameKey(IpFamily family, AllocationRequest request) {
    if (request.sharing().isEmpty()) {
      return List.of();
    }
    String key = request.sharing().get().key();
    return holders.entrySet().stream()
        .filter(e -> IpFamily.of(e.getKey()) == family)
        .filter(e -> e.getValue().stream().anyMatch(h -> !h.service().uid().equals(request.service().uid())
            && h.sharing().map(s -> s.key().equals(key)).orElse(false)))
        .map(Map.Entry::getKey)
        .sorted(Comparator.comparing(AddressRange::number))
        .toList();
  }

  /**
   * What the Service must be told when it has a sharing key but did not get the address the key
   * points to: one note per family, naming the address, its holders and why.
   */
  private List<String> notShared(
      AllocationRequest request, List<InetAddress> got, Map<InetAddress, String> foreign) {
    List<String> notes = new ArrayList<>();
    for (InetAddress address : got) {
      List<InetAddress> wanted = sameKey(IpFamily.of(address), request);
      if (wanted.isEmpty() || wanted.contains(address)) {
        continue;
      }
      InetAddress first = wanted.get(0);
      notes.add("could not share " + IpLiteral.format(first) + " (sharing key '"
          + request.sharing().orElseThrow().key() + "'): " + whyNotShareable(first, request, foreign)
              .orElse("it is in no pool this Service may use")
          + "; got " + IpLiteral.format(address) + " instead");
    }
    return notes;
  }

  /** Why the request cannot use an address others hold, or empty if it can. */
  private Optional<String> whyNotShareable(
      InetAddress address, AllocationRequest request, Map<InetAddress, String> foreign) {
    if (foreign.containsKey(address)) {
      return Optional.of(foreign.get(address) + " publishes it, and this controller does not manage"
          + " that Service (another controller or load-balancer class)");
    }
    List<Holder> others = holders.getOrDefault(address, List.of()).stream()
        .filter(h -> !h.service().uid().equals(request.service().uid()))
        .toList();
    for (Holder other : others) {
      String name = other.service().qualifiedName();
      if (request.sharing().isEmpty()) {
        return Optional.of(holdersOf(address, request.service()) + " holds it and this Service has no"
            + " sharing key");
      }
      if (other.restored()) {
        continue; // terms unknown until it is reconciled; its own status says it shares this IP
      }
      if (other.sharing().isEmpty()) {
        return Optional.of(name + " holds it and shares it with no one");
      }
      Optional<String> conflict = request.sharing().get().conflictWith(other.sharing().get());
      if (conflict.isPresent()) {
        return Optional.of(name + " holds it and " + conflict.get());
      }
    }
    return Optional.empty();
  }

  private void commit(AllocationRequest request, AllocationResult.Allocated allocation) {
    for (InetAddress address : allocation.addresses()) {
      List<Holder> list = holders.computeIfAbsent(address, a -> new ArrayList<>());
      list.removeIf(h -> h.service().uid().equals(request.service().uid()));
      list.add(new Holder(request.service(), request.sharing(), false));
    }
    byService.put(request.service().uid(), allocation);
  }

  private String holdersOf(InetAddress address, ServiceKey except) {
    return holders.getOrDefault(address, List.of()).stream()
        .filter(h -> !h.service().uid().equals(except.uid()))
        .map(h -> h.service().qualifiedName())
        .sorted()
        .collect(Collectors.joining(", "));
  }
}
