package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.kube.vocabulary.AddressRange;
import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.lb.api.IpFamily;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A usable address pool: an {@code IPAddressPool} once checked, with the entries that are in
 * force (an entry that is invalid or overlaps another pool's is left out).
 *
 * @param name the pool's name
 * @param blocks its address ranges in force, at least one
 * @param autoAssign whether Services without an explicit request may use it
 * @param avoidBuggyIps whether IPv4 addresses ending in .0 or .255, and IPv6 addresses ending in
 *     {@code ::} (a subnet-router anycast address on a /112 or shorter), are skipped
 * @param namespaces if not empty, the only namespaces allowed
 * @param serviceSelector if present, the labels a Service must match
 */
public record Pool(
    String name,
    List<AddressRange> blocks,
    boolean autoAssign,
    boolean avoidBuggyIps,
    Set<String> namespaces,
    Optional<LabelMatcher> serviceSelector) {

  private static final BigInteger V4_OCTET = BigInteger.valueOf(256);
  private static final BigInteger V6_GROUP = BigInteger.valueOf(65_536);

  /** Validates and copies. */
  public Pool {
    Objects.requireNonNull(name, "name");
    blocks = List.copyOf(blocks);
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(serviceSelector, "serviceSelector");
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("a pool needs at least one address range");
    }
  }

  /**
   * Whether the pool has a restriction on who may use it (such pools are preferred).
   *
   * @return true if namespaces or a selector are set
   */
  public boolean isPinned() {
    return !namespaces.isEmpty() || serviceSelector.isPresent();
  }

  /**
   * Whether a Service may take addresses from this pool.
   *
   * @param namespace the Service's namespace
   * @param labels the Service's labels
   * @return true if allowed
   */
  public boolean allows(String namespace, Map<String, String> labels) {
    return (namespaces.isEmpty() || namespaces.contains(namespace))
        && serviceSelector.map(s -> s.matches(labels)).orElse(true);
  }

  /**
   * Whether the pool has addresses of a family at all.
   *
   * @param family the family
   * @return true if some range is of that family
   */
  public boolean serves(IpFamily family) {
    return blocks.stream().anyMatch(b -> b.family() == family);
  }

  /**
   * Whether an address is in the pool (whether or not it may be handed out).
   *
   * @param address the address
   * @return true if inside a range
   */
  public boolean contains(InetAddress address) {
    return blocks.stream().anyMatch(b -> b.contains(address));
  }

  /**
   * Whether an address may be handed out (inside, and not a buggy .0/.255 or {@code ::} when
   * avoided).
   *
   * @param address the address
   * @return true if usable
   */
  public boolean usable(InetAddress address) {
    if (!contains(address)) {
      return false;
    }
    if (!avoidBuggyIps) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      int lastOctet = bytes[3] & 0xff;
      return lastOctet != 0 && lastOctet != 255;
    }
    return bytes[14] != 0 || bytes[15] != 0;
  }

  /**
   * How many addresses of a family the pool may hand out, exactly (a /64 has 2^64).
   *
   * @param family the family
   * @return the capacity
   */
  public BigInteger capacity(IpFamily family) {
    BigInteger total = BigInteger.ZERO;
    for (AddressRange block : blocks) {
      if (block.family() != family) {
        continue;
      }
      BigInteger size = block.size();
      if (avoidBuggyIps) {
        BigInteger first = AddressRange.number(block.first());
        BigInteger last = AddressRange.number(block.last());
        size = family == IpFamily.IPV4
            ? size.subtract(congruent(first, last, V4_OCTET, 0)).subtract(congruent(first, last, V4_OCTET, 255))
            : size.subtract(congruent(first, last, V6_GROUP, 0));
      }
      total = total.add(size);
    }
    return total;
  }

  /** How many n in [first, last] have n mod modulus == residue. */
  private static BigInteger congruent(BigInteger first, BigInteger last, BigInteger modulus, long residue) {
    BigInteger r = BigInteger.valueOf(residue);
    return floorDiv(last.subtract(r), modulus).subtract(floorDiv(first.subtract(BigInteger.ONE).subtract(r), modulus));
  }

  private static BigInteger floorDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
