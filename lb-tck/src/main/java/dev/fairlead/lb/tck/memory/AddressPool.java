package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses held in one {@link InMemoryCloud}, shared by all its clusters as a real network
 * would be. Not thread-safe: the cloud calls it under its lock.
 */
final class AddressPool {

  /** Who holds an address: a Service UID within a cluster. */
  record Owner(String cluster, String uid) {
    @Override
    public String toString() {
      return "Service " + uid + " of cluster " + cluster;
    }
  }

  private final Map<InetAddress, Owner> owners = new HashMap<>();
  private final Map<Owner, Map<IpFamily, InetAddress>> held = new HashMap<>();

  /**
   * The addresses {@code owner} should hold, one per family in order, without changing anything:
   * the requested ones, else those it already holds, else the lowest free ones.
   *
   * @throws UnsupportedFeatureException if a request cannot be honoured
   * @throws ProviderFailureException if a pool is exhausted
   */
  Map<IpFamily, InetAddress> plan(
      Owner owner,
      List<IpFamily> families,
      List<InetAddress> requested,
      InMemoryAddressing addressing) {
    Map<IpFamily, InetAddress> wanted = new EnumMap<>(IpFamily.class);
    for (InetAddress address : requested) {
      if (wanted.put(IpFamily.of(address), address) != null) {
        throw new UnsupportedFeatureException(
            "at most one requested address per IP family is supported, got " + requested);
      }
    }
    Map<IpFamily, InetAddress> current = held.getOrDefault(owner, Map.of());
    Map<IpFamily, InetAddress> plan = new LinkedHashMap<>();
    for (IpFamily family : families) {
      Cidr range = addressing.range(family);
      InetAddress address = wanted.get(family);
      if (address != null) {
        requireAvailable(owner, address, range);
      } else {
        address = current.containsKey(family) ? current.get(family) : lowestFree(range);
      }
      plan.put(family, address);
    }
    return plan;
  }

  /** Makes {@code owner} hold exactly {@code addresses}, freeing any others it held. */
  void commit(Owner owner, Map<IpFamily, InetAddress> addresses) {
    release(owner);
    addresses.values().forEach(address -> owners.put(address, owner));
    held.put(owner, new EnumMap<>(addresses));
  }

  /**
   * Reserves a published address again after a restart, unless it is outside the ranges, taken, or
   * the owner already holds one of that family.
   */
  boolean reserve(Owner owner, InetAddress address, InMemoryAddressing addressing) {
    IpFamily family = IpFamily.of(address);
    Map<IpFamily, InetAddress> mine = held.getOrDefault(owner, Map.of());
    if (address.equals(mine.get(family))) {
      return true;
    }
    if (!addressing.range(family).contains(address)
        || owners.containsKey(address)
        || mine.containsKey(family)) {
      return false;
    }
    owners.put(address, owner);
    held.computeIfAbsent(owner, o -> new EnumMap<>(IpFamily.class)).put(family, address);
    return true;
  }

  /** Frees everything {@code owner} holds. */
  void release(Owner owner) {
    Map<IpFamily, InetAddress> previous = held.remove(owner);
    if (previous != null) {
      previous.values().forEach(owners::remove);
    }
  }

  /** Frees everything. */
  void clear() {
    owners.clear();
    held.clear();
  }

  private void requireAvailable(Owner owner, InetAddress address, Cidr range) {
    if (!range.contains(address)) {
      throw new UnsupportedFeatureException(
          "requested address " + address.getHostAddress() + " is outside the pool " + range);
    }
    Owner holder = owners.get(address);
    if (holder != null && !holder.equals(owner)) {
      throw new UnsupportedFeatureException(
          "requested address " + address.getHostAddress() + " is already used by " + holder);
    }
  }

  private InetAddress lowestFree(Cidr range) {
    int bytes = range.address().getAddress().length;
    int hostBits = bytes * 8 - range.prefixLength();
    BigInteger size = BigInteger.ONE.shiftLeft(hostBits);
    // Skip the network address, and the IPv4 broadcast address, unless the range is that small.
    BigInteger first = hostBits > 1 ? BigInteger.ONE : BigInteger.ZERO;
    BigInteger end = hostBits > 1 && bytes == 4 ? size.subtract(BigInteger.ONE) : size;
    BigInteger base = new BigInteger(1, range.address().getAddress());
    for (BigInteger offset = first;
        offset.compareTo(end) < 0;
        offset = offset.add(BigInteger.ONE)) {
      InetAddress candidate = toAddress(base.add(offset), bytes);
      if (!owners.containsKey(candidate)) {
        return candidate;
      }
    }
    throw new ProviderFailureException("address pool " + range + " is exhausted");
  }

  private static InetAddress toAddress(BigInteger value, int bytes) {
    byte[] raw = value.toByteArray();
    byte[] address = new byte[bytes];
    int copied = Math.min(raw.length, bytes);
    System.arraycopy(raw, raw.length - copied, address, bytes - copied, copied);
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of invalid length " + bytes, e);
    }
  }
}
