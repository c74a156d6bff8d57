package dev.fairlead.lb.baremetal.ipam;

import dev.fairlead.lb.api.IpFamily;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@code IPAddressPool}'s status says: how many addresses are in use (by any Service, of
 * any class), how many are free (exact, also for a /64), and why entries are not used.
 *
 * @param allocatedIpv4 IPv4 addresses of the pool that Services publish or hold
 * @param allocatedIpv6 IPv6 addresses likewise
 * @param freeIpv4 IPv4 addresses still free
 * @param freeIpv6 IPv6 addresses still free
 * @param capacityIpv4 IPv4 addresses the pool may hand out
 * @param capacityIpv6 IPv6 addresses the pool may hand out
 * @param error why entries or the whole pool are not used, if so
 */
public record PoolReport(
    long allocatedIpv4,
    long allocatedIpv6,
    BigInteger freeIpv4,
    BigInteger freeIpv6,
    BigInteger capacityIpv4,
    BigInteger capacityIpv6,
    Optional<String> error) {

  /** Validates. */
  public PoolReport {
    Objects.requireNonNull(freeIpv4, "freeIpv4");
    Objects.requireNonNull(freeIpv6, "freeIpv6");
    Objects.requireNonNull(capacityIpv4, "capacityIpv4");
    Objects.requireNonNull(capacityIpv6, "capacityIpv6");
    Objects.requireNonNull(error, "error");
  }

  /**
   * The report of a pool in force.
   *
   * @param pool the pool
   * @param used every address in use in the cluster (the pool picks its own)
   * @param error the pool's problem, if some entries are left out
   * @return the report
   */
  public static PoolReport of(Pool pool, Collection<InetAddress> used, Optional<String> error) {
    long v4 = 0;
    long v6 = 0;
    long usableV4 = 0;
    long usableV6 = 0;
    for (InetAddress address : used) {
      if (!pool.contains(address)) {
        continue;
      }
      boolean ipv4 = IpFamily.of(address) == IpFamily.IPV4;
      v4 += ipv4 ? 1 : 0;
      v6 += ipv4 ? 0 : 1;
      if (pool.usable(address)) {
        usableV4 += ipv4 ? 1 : 0;
        usableV6 += ipv4 ? 0 : 1;
      }
    }
    BigInteger capacityV4 = pool.capacity(IpFamily.IPV4);
    BigInteger capacityV6 = pool.capacity(IpFamily.IPV6);
    return new PoolReport(v4, v6, capacityV4.subtract(BigInteger.valueOf(usableV4)).max(BigInteger.ZERO),
        capacityV6.subtract(BigInteger.valueOf(usableV6)).max(BigInteger.ZERO), capacityV4, capacityV6,
        error);
  }

  /**
   * The report of a pool none of whose entries is in force.
   *
   * @param error why
   * @return the report
   */
  public static PoolReport unusable(String error) {
    return new PoolReport(0, 0, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
        Optional.of(error));
  }
}
