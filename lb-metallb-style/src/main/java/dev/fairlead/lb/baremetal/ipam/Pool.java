package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.api.IpFamily;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A validated address pool: what an {@code IPAddressPool} means once parsed.
 *
 * @param name the pool's name
 * @param blocks its address blocks
 * @param autoAssign whether Services without an explicit request may use it
 * @param avoidBuggyIps whether IPv4 addresses ending in .0 or .255, and IPv6 addresses ending in
 *     {@code ::} (a subnet-router anycast address on a /112 or shorter), are skipped
 * @param namespaces if not empty, the only namespaces allowed
 * @param serviceSelector if present, the labels a Service must match
 */
public record Pool(
    String name,
    List<AddressBlock> blocks,
    boolean autoAssign,
    boolean avoidBuggyIps,
    Set<String> namespaces,
    Optional<LabelMatcher> serviceSelector) {

  /** Validates and copies. */
  public Pool {
    Objects.requireNonNull(name, "name");
    blocks = List.copyOf(blocks);
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(serviceSelector, "serviceSelector");
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("spec.addresses is empty");
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
   * Whether an address is in the pool (whether or not it may be handed out).
   *
   * @param address the address
   * @return true if inside a block
   */
  public boolean contains(InetAddress address) {
    return blocks.stream().anyMatch(b -> b.contains(address));
  }

  /**
   * Whether an address may be handed out (inside, and not a buggy .0/.255 when avoided).
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
   * How many usable addresses of a family the pool has, capped at {@link Long#MAX_VALUE}.
   *
   * @param family the family
   * @return the capacity
   */
  public long capacity(IpFamily family) {
    BigInteger total = BigInteger.ZERO;
    for (AddressBlock block : blocks) {
      if (block.family() != family) {
        continue;
      }
      BigInteger size = block.size();
      if (avoidBuggyIps && family == IpFamily.IPV6) {
        // One skipped address per 65,536 (those ending in ::); exact for blocks aligned to that.
        size = size.subtract(size.add(BigInteger.valueOf(65_535)).shiftRight(16));
      }
      if (avoidBuggyIps && family == IpFamily.IPV4) {
        long first = AddressBlock.toNumber(block.first()).longValue();
        long last = AddressBlock.toNumber(block.last()).longValue();
        size = size.subtract(BigInteger.valueOf(congruent(first, last, 0) + congruent(first, last, 255)));
      }
      total = total.add(size);
    }
    return total.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
  }

  /** How many n in [first, last] have n mod 256 == residue (the last octet). */
  private static long congruent(long first, long last, long residue) {
    return Math.floorDiv(last - residue, 256) - Math.floorDiv(first - 1 - residue, 256);
  }
}
