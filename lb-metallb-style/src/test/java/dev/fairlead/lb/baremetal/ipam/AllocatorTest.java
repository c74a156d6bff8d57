package dev.fairlead.lb.baremetal.ipam;

import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.fromPool;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.ip;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.avoidingBuggyIps;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.key;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.labelled;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.manual;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.pool;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.restricted;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.request;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.requesting;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.sharing;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.ServiceKey;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    assertThat(full.retry()).isEqualTo(AllocationResult.Retry.WHEN_ADDRESSES_FREE);
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
    assertThat(outside.retry()).isEqualTo(AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
    var taken = unavailable(allocator.allocate(requesting(request("c"), "192.0.2.7"), pools));
    assertThat(taken.reason()).isEqualTo("requested address 192.0.2.7 is already used: default/a holds it"
        + " and this Service has no sharing key");
    assertThat(taken.retry()).isEqualTo(AllocationResult.Retry.WHEN_ADDRESSES_FREE);
  }

  @Test
  void aPoolChosenByNameMustExistAndIsUsedEvenWithoutAutoAssign() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("auto", "192.0.2.0/30"),
        manual(pool("manual", "203.0.113.0/30"))));
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
    assertThat(unshared.reason()).contains("default/dns-tcp, default/dns-udp holds it and this Service"
        + " has no sharing key");
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
    PoolCatalog pools = PoolCatalog.of(List.of(avoidingBuggyIps(pool("lab", "192.0.2.255-192.0.3.1"))));
    assertThat(allocated(allocator.allocate(request("a"), pools)).addresses()).containsExactly(ip("192.0.3.1"));
    assertThat(pools.pools().get(0).capacity(IpFamily.IPV4)).isEqualTo(BigInteger.ONE);
  }

  @Test
  void addressesOtherServicesPublishAreTakenWhateverTheirClass() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/30")));
    Map<InetAddress, Set<ServiceKey>> published = Map.of(ip("192.0.2.0"), Set.of(key("other-class")));
    assertThat(allocated(allocator.allocate(request("a"), pools, published)).addresses())
        .containsExactly(ip("192.0.2.1"));
    var wanted = unavailable(allocator.allocate(requesting(request("b"), "192.0.2.0"), pools, published));
    assertThat(wanted.reason()).isEqualTo("requested address 192.0.2.0 is already used: default/other-class"
        + " publishes it, and this controller does not manage that Service (another controller or"
        + " load-balancer class)");
    // A Service's own published address is not someone else's.
    assertThat(allocated(allocator.allocate(request("other-class"), pools, published)).addresses())
        .containsExactly(ip("192.0.2.0"));
  }

  @Test
  void aServiceThatCannotShareIsToldWhyWhenItGetsAnotherAddress() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/30")));
    allocated(allocator.allocate(sharing(request("dns-tcp"), "dns", "53/TCP"), pools));
    var clash = allocated(allocator.allocate(sharing(request("dns-tcp-2"), "dns", "53/TCP"), pools));
    assertThat(clash.addresses()).containsExactly(ip("192.0.2.1"));
    assertThat(clash.notes()).containsExactly("could not share 192.0.2.0 (sharing key 'dns'):"
        + " default/dns-tcp holds it and both use port 53/TCP; got 192.0.2.1 instead");
    var local = allocated(allocator.allocate(sharing(request("dns-local"),
        new Sharing("dns", Set.of("54/TCP"), true, Map.of("app", "dns"))), pools));
    assertThat(local.notes()).singleElement().asString()
        .contains("its externalTrafficPolicy is Cluster, this Service's Local");
    allocated(allocator.allocate(sharing(request("web-a"),
        new Sharing("web", Set.of("80/TCP"), true, Map.of("app", "a"))), pools));
    assertThat(unavailable(allocator.allocate(sharing(requesting(request("web-b"), "192.0.2.3"),
        new Sharing("web", Set.of("443/TCP"), true, Map.of("app", "b"))), pools)).reason())
        .contains("with externalTrafficPolicy Local both must select the same pods");
    assertThat(allocated(allocator.allocate(sharing(request("dns-udp"), "dns", "53/UDP"), pools)).notes())
        .isEmpty();
  }

  @Test
  void aFamilyNoPoolServesIsNamedAndNotRetriedUntilSomethingChanges() {
    PoolCatalog pools = PoolCatalog.of(List.of(pool("v4-only", "192.0.2.0/30")));
    var v6 = unavailable(allocator.allocate(with(request("dual"), List.of(IpFamily.IPV4, IpFamily.IPV6)), pools));
    assertThat(v6.reason()).isEqualTo("'v4-only' has no IPv6 range, but the Service asks for IPv6"
        + " (spec.ipFamilies [IPv4, IPv6])");
    assertThat(v6.retry()).isEqualTo(AllocationResult.Retry.WHEN_POOLS_OR_SERVICE_CHANGE);
    assertThat(allocator.lookup(key("dual"))).isEmpty();
  }

  @Test
  void aPoolThatRefusesTheServiceSaysWhichField() {
    PoolCatalog pools = PoolCatalog.of(List.of(restricted(pool("team", "192.0.2.0/30"), Set.of("shop"),
        new LabelMatcher(Map.of("tier", "edge"), List.of()))));
    assertThat(unavailable(allocator.allocate(fromPool(request("a"), "team"), pools)).reason())
        .isEqualTo("IPAddressPool 'team' does not allow this Service: namespace 'default' is not in its"
            + " spec.namespaces [shop]");
    var other = new AllocationRequest(new ServiceKey("shop", "b", "uid-b"), Map.of("tier", "core"),
        List.of(IpFamily.IPV4), List.of(), java.util.Optional.of("team"), java.util.Optional.empty());
    assertThat(unavailable(allocator.allocate(other, pools)).reason())
        .isEqualTo("IPAddressPool 'team' does not allow this Service: its labels {tier=core} do not"
            + " match the pool's spec.serviceSelector");
    assertThat(unavailable(allocator.allocate(labelled(request("c"), Map.of("x", "y")), pools)).reason())
        .isEqualTo("no IPAddressPool with autoAssign allows this Service (namespace 'default', labels {x=y})");
  }
}
