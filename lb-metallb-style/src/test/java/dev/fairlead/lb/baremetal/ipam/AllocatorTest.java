package dev.fairlead.lb.baremetal.ipam;

import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.fromPool;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.ip;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.key;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.pool;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.request;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.requesting;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.sharing;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.IpFamily;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocatorTest {
  final Allocator allocator = new Allocator();

  static AllocationResult.Allocated allocated(AllocationResult result) {
    assertThat(result).isInstanceOf(AllocationResult.Allocated.class);
    return (AllocationResult.Allocated) result;
  }

  static AllocationResult.Unavailable unavailable(AllocationResult result) {
    assertThat(result).isInstanceOf(AllocationResult.Unavailable.class);
    return (AllocationResult.Unavailable) result;
  }

  @Test
  void allocatesLowestFreeAddressesAndIsIdempotent() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("lab", "192.0.2.10-192.0.2.12")));
    assertThat(allocated(allocator.allocate(request("a"), pools)).addresses()).containsExactly(ip("192.0.2.10"));
    assertThat(allocated(allocator.allocate(request("b"), pools)).addresses()).containsExactly(ip("192.0.2.11"));
    assertThat(allocated(allocator.allocate(request("a"), pools)).addresses()).containsExactly(ip("192.0.2.10"));
  }

  @Test
  void exhaustionNamesThePoolsAndChangesNothing() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("tiny", "192.0.2.10/32")));
    allocator.allocate(request("a"), pools);
    AllocationResult.Unavailable full = unavailable(allocator.allocate(request("b"), pools));
    assertThat(full.reason()).isEqualTo("no free IPv4 address in IPAddressPool(s) 'tiny'");
    assertThat(full.mayResolveItself()).isTrue();
    assertThat(allocator.lookup(key("a")).orElseThrow().addresses()).containsExactly(ip("192.0.2.10"));
    allocator.release(key("a"));
    assertThat(allocated(allocator.allocate(request("b"), pools)).addresses()).containsExactly(ip("192.0.2.10"));
  }

  @Test
  void dualStackPrefersOnePoolAndKeepsFamilyOrder() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("a-v4", "192.0.2.0/30"),
        pool("b-dual", "198.51.100.0/30", "2001:db8::/126")));
    var result = allocated(allocator.allocate(with(request("web"), List.of(IpFamily.IPV6, IpFamily.IPV4)), pools));
    assertThat(result.addresses()).containsExactly(ip("2001:db8::"), ip("198.51.100.0"));
    assertThat(result.pools()).containsExactly("b-dual", "b-dual");
  }

  @Test
  void requestedAddressesMustBeInsideAPoolAndFree() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/28")));
    assertThat(allocated(allocator.allocate(requesting(request("a"), "192.0.2.7"), pools)).addresses())
        .containsExactly(ip("192.0.2.7"));
    var outside = unavailable(allocator.allocate(requesting(request("b"), "203.0.113.7"), pools));
    assertThat(outside.reason()).contains("203.0.113.7 is not in any usable IPAddressPool");
    assertThat(outside.mayResolveItself()).isFalse();
    var taken = unavailable(allocator.allocate(requesting(request("c"), "192.0.2.7"), pools));
    assertThat(taken.reason()).contains("192.0.2.7 is already used by default/a");
    assertThat(taken.mayResolveItself()).isTrue();
  }

  @Test
  void aPoolChosenByNameMustExistAndIsUsedEvenWithoutAutoAssign() {
    var manual = pool("manual", "203.0.113.0/30");
    manual.getSpec().setAutoAssign(false);
    PoolCatalog pools = PoolCatalog.of(List.of(pool("auto", "192.0.2.0/30"), manual));
    assertThat(allocated(allocator.allocate(request("a"), pools)).pools()).containsExactly("auto");
    assertThat(allocated(allocator.allocate(fromPool(request("b"), "manual"), pools)).addresses())
        .containsExactly(ip("203.0.113.0"));
    assertThat(unavailable(allocator.allocate(fromPool(request("c"), "nope"), pools)).reason())
        .isEqualTo("IPAddressPool 'nope' does not exist");
  }

  @Test
  void sharingNeedsTheSameKeyAndNoPortClash() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/30")));
    var first = allocated(allocator.allocate(sharing(request("dns-tcp"), "dns", "53/TCP"), pools));
    var second = allocated(allocator.allocate(sharing(request("dns-udp"), "dns", "53/UDP"), pools));
    assertThat(second.addresses()).isEqualTo(first.addresses());
    var clash = allocated(allocator.allocate(sharing(request("dns-tcp-2"), "dns", "53/TCP"), pools));
    assertThat(clash.addresses()).doesNotContainAnyElementsOf(first.addresses());
    var other = allocated(allocator.allocate(sharing(request("web"), "web", "443/TCP"), pools));
    assertThat(other.addresses()).doesNotContainAnyElementsOf(first.addresses());
    var unshared = unavailable(allocator.allocate(requesting(request("x"), "192.0.2.0"), pools));
    assertThat(unshared.reason()).contains("already used by default/dns-tcp, default/dns-udp");
  }

  @Test
  void restoredAddressesAreNeverHandedToAnotherServiceAndStickEvenIfThePoolIsGone() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/30")));
    allocator.restore(key("old"), List.of(ip("192.0.2.0")), pools);
    assertThat(allocated(allocator.allocate(request("new"), pools)).addresses()).containsExactly(ip("192.0.2.1"));
    PoolCatalog none = PoolCatalog.of(List.of());
    assertThat(allocated(allocator.allocate(request("old"), none)).addresses()).containsExactly(ip("192.0.2.0"));
  }

  @Test
  void changingTheRequestMovesTheServiceOnlyWhenTheNewAddressIsAvailable() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/30")));
    allocator.allocate(request("a"), pools);
    allocator.allocate(request("b"), pools);
    unavailable(allocator.allocate(requesting(request("a"), "192.0.2.1"), pools));
    assertThat(allocator.lookup(key("a")).orElseThrow().addresses()).containsExactly(ip("192.0.2.0"));
    assertThat(allocated(allocator.allocate(requesting(request("a"), "192.0.2.3"), pools)).addresses())
        .containsExactly(ip("192.0.2.3"));
    assertThat(allocated(allocator.allocate(request("c"), pools)).addresses()).containsExactly(ip("192.0.2.0"));
  }

  @Test
  void avoidBuggyIpsSkipsDotZeroAndDotTwoFiftyFive() {
    var buggy = pool("lab", "192.0.2.255-192.0.3.1");
    buggy.getSpec().setAvoidBuggyIPs(true);
    PoolCatalog pools = PoolCatalog.of(List.of(buggy));
    assertThat(allocated(allocator.allocate(request("a"), pools)).addresses()).containsExactly(ip("192.0.3.1"));
    assertThat(pools.pools().get(0).capacity(IpFamily.IPV4)).isEqualTo(1);
  }
}
