package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.api.IpFamily;
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
import java.util.stream.Collectors;

/**
 * Assigns addresses from pools to Services. Pure and single-threaded (the provider serialises
 * calls): the state is only what is assigned to whom, rebuilt from published Service status with
 * {@link #restore} before anything new is allocated, so a restart never moves or duplicates an
 * address.
 */
public final class Allocator {

  /** Who holds an address, and on which terms it may be shared. */
  private record Holder(ServiceKey service, Optional<String> sharingKey, Set<String> ports,
      String backendKey, boolean restored) {}

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
          .add(new Holder(service, Optional.empty(), Set.of(), "", true));
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
   * Frees a Service's addresses.
   *
   * @param service the Service
   */
  public void release(ServiceKey service) {
    AllocationResult.Allocated previous = byService.remove(service.uid());
    if (previous == null) {
      return;
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
  }

  /**
   * How many addresses of a family in a pool are assigned.
   *
   * @param pool the pool
   * @param family the family
   * @return the count
   */
  public long allocated(Pool pool, IpFamily family) {
    return holders.keySet().stream()
        .filter(a -> IpFamily.of(a) == family && pool.contains(a))
        .count();
  }

  /**
   * Gives the Service addresses, keeping what it already holds whenever that still satisfies the
   * request. On failure nothing changes (the Service keeps any addresses it had).
   *
   * @param request what the Service asks for
   * @param catalog the pools in force
   * @return the allocation or why there is none
   */
  public AllocationResult allocate(AllocationRequest request, PoolCatalog catalog) {
    AllocationResult.Allocated current = byService.get(request.service().uid());
    if (current != null && stillSatisfies(current, request, catalog)) {
      commit(request, current);
      return current;
    }
    AllocationResult result =
        request.requested().isEmpty()
            ? automatic(request, catalog)
            : requested(request, catalog);
    if (result instanceof AllocationResult.Allocated allocated) {
      release(request.service());
      commit(request, allocated);
    }
    return result;
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
      if (!shareable(address, request)) {
        return false;
      }
    }
    return true; // an address outside every pool (pool deleted) is kept: never move a live VIP
  }

  private AllocationResult requested(AllocationRequest request, PoolCatalog catalog) {
    List<String> pools = new ArrayList<>();
    for (InetAddress address : request.requested()) {
      String text = dev.fairlead.lb.api.IpLiteral.format(address);
      Optional<Pool> pool = catalog.poolOf(address);
      if (pool.isEmpty() || !pool.get().usable(address)) {
        return new AllocationResult.Unavailable(
            "requested address " + text + " is not in any usable IPAddressPool", false);
      }
      if (request.pool().isPresent() && !request.pool().get().equals(pool.get().name())) {
        return new AllocationResult.Unavailable("requested address " + text + " is in IPAddressPool '"
            + pool.get().name() + "', not in the requested pool '" + request.pool().get() + "'", false);
      }
      if (!pool.get().allows(request.service().namespace(), request.labels())) {
        return new AllocationResult.Unavailable("IPAddressPool '" + pool.get().name()
            + "' does not allow this Service (namespace or service selector)", false);
      }
      if (!shareable(address, request)) {
        return new AllocationResult.Unavailable(
            "requested address " + text + " is already used by " + holdersOf(address), true);
      }
      pools.add(pool.get().name());
    }
    return new AllocationResult.Allocated(request.requested(), pools);
  }

  private AllocationResult automatic(AllocationRequest request, PoolCatalog catalog) {
    List<Pool> candidates;
    if (request.pool().isPresent()) {
      String name = request.pool().get();
      Optional<Pool> pool = catalog.pool(name);
      if (pool.isEmpty()) {
        String why = catalog.errors().containsKey(name)
            ? "is invalid: " + catalog.errors().get(name) : "does not exist";
        return new AllocationResult.Unavailable("IPAddressPool '" + name + "' " + why, false);
      }
      if (!pool.get().allows(request.service().namespace(), request.labels())) {
        return new AllocationResult.Unavailable("IPAddressPool '" + name
            + "' does not allow this Service (namespace or service selector)", false);
      }
      candidates = List.of(pool.get());
    } else {
      candidates = catalog.pools().stream()
          .filter(Pool::autoAssign)
          .filter(p -> p.allows(request.service().namespace(), request.labels()))
          .sorted(Comparator.comparing((Pool p) -> !p.isPinned()).thenComparing(Pool::name))
          .toList();
      if (candidates.isEmpty()) {
        return new AllocationResult.Unavailable(
            "no IPAddressPool with autoAssign allows this Service", false);
      }
    }
    // Prefer one pool that serves every family (dual-stack from one pool), else any pool per family.
    for (Pool pool : candidates) {
      List<InetAddress> picked = new ArrayList<>();
      for (IpFamily family : request.families()) {
        pick(pool, family, request).ifPresent(picked::add);
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
        Optional<InetAddress> address = pick(pool, family, request);
        if (address.isPresent()) {
          picked.add(address.get());
          pools.add(pool.name());
          found = true;
          break;
        }
      }
      if (!found) {
        return new AllocationResult.Unavailable("no free " + (family == IpFamily.IPV4 ? "IPv4" : "IPv6")
            + " address in IPAddressPool(s) "
            + candidates.stream().map(p -> "'" + p.name() + "'").collect(Collectors.joining(", ")),
            true);
      }
    }
    return new AllocationResult.Allocated(picked, pools);
  }

  /** An address to share (same sharing key) first, else the lowest free one. */
  private Optional<InetAddress> pick(Pool pool, IpFamily family, AllocationRequest request) {
    if (request.sharingKey().isPresent()) {
      Optional<InetAddress> shared = holders.keySet().stream()
          .filter(a -> IpFamily.of(a) == family && pool.usable(a))
          .filter(a -> holders.get(a).stream().anyMatch(h -> h.sharingKey().equals(request.sharingKey())))
          .filter(a -> shareable(a, request))
          .sorted(Comparator.comparing(AddressBlock::toNumber))
          .findFirst();
      if (shared.isPresent()) {
        return shared;
      }
    }
    for (AddressBlock block : pool.blocks()) {
      if (block.family() != family) {
        continue;
      }
      BigInteger size = block.size();
      // Bounded: at most every held address plus the .0/.255 skips lie before the first free one.
      long limit = Math.min(size.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue(),
          holders.size() * 2L + 1_000L);
      for (long offset = 0; offset < limit; offset++) {
        InetAddress candidate = block.at(BigInteger.valueOf(offset));
        if (pool.usable(candidate) && !holders.containsKey(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private boolean shareable(InetAddress address, AllocationRequest request) {
    List<Holder> others = holders.getOrDefault(address, List.of()).stream()
        .filter(h -> !h.service().uid().equals(request.service().uid()))
        .toList();
    if (others.isEmpty()) {
      return true;
    }
    if (request.sharingKey().isEmpty()) {
      return false;
    }
    for (Holder other : others) {
      if (other.restored()) {
        continue; // terms unknown until it is reconciled; its own status says it shares this IP
      }
      if (!other.sharingKey().equals(request.sharingKey())
          || !other.backendKey().equals(request.backendKey())
          || !Collections.disjoint(other.ports(), request.ports())) {
        return false;
      }
    }
    return true;
  }

  private void commit(AllocationRequest request, AllocationResult.Allocated allocation) {
    for (InetAddress address : allocation.addresses()) {
      List<Holder> list = holders.computeIfAbsent(address, a -> new ArrayList<>());
      list.removeIf(h -> h.service().uid().equals(request.service().uid()));
      list.add(new Holder(request.service(), request.sharingKey(), request.ports(),
          request.backendKey(), false));
    }
    byService.put(request.service().uid(), allocation);
  }

  private String holdersOf(InetAddress address) {
    return holders.getOrDefault(address, List.of()).stream()
        .map(h -> h.service().qualifiedName())
        .sorted()
        .collect(Collectors.joining(", "));
  }
}
