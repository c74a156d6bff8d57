package dev.fairlead.lb.baremetal.ipam;

import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.avoidingBuggyIps;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.created;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.ip;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.pool;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.restricted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.lb.api.IpFamily;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolCatalogTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "not an address|192.0.2.x/24|spec.addresses[0]: '192.0.2.x/24' is not a CIDR",
    "reversed range|192.0.2.20-192.0.2.10|ends before it starts",
    "mixed families|192.0.2.1-2001:db8::1|mixes IPv4 and IPv6",
    "shorthand|10.1/16|'10.1/16' is not a CIDR",
  })
  void invalidEntriesAreLeftOutWithTheCause(String name, String addresses, String error) {
    PoolCatalog catalog = PoolCatalog.of(List.of(pool("bad", addresses.split(",")), pool("good", "203.0.113.0/24")));
    assertThat(catalog.pools()).extracting(Pool::name).containsExactly("good");
    assertThat(catalog.problems().get("bad")).contains(error);
  }

  @Test
  void aBadEntryLeavesTheRestOfItsPoolWorking() {
    PoolCatalog catalog = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/28", "192.0.2.x", "192.0.2.7")));
    assertThat(catalog.pool("lab").orElseThrow().blocks()).hasToString("[192.0.2.0-192.0.2.15]");
    assertThat(catalog.problems().get("lab")).isEqualTo("spec.addresses[1]: '192.0.2.x' is not a CIDR"
        + " (192.0.2.0/24), a range (192.0.2.10-192.0.2.20) or an address (192.0.2.7): '192.0.2.x' is not"
        + " an IP address; spec.addresses[2] 192.0.2.7 overlaps spec.addresses[0] 192.0.2.0-192.0.2.15 of"
        + " the same pool and is not used");
  }

  @Test
  void singleAddressesAreEntriesToo() {
    Pool lab = PoolCatalog.of(List.of(pool("lab", "192.0.2.7", "2001:db8::7"))).pools().get(0);
    assertThat(lab.capacity(IpFamily.IPV4)).isEqualTo(BigInteger.ONE);
    assertThat(lab.contains(ip("2001:db8::7"))).isTrue();
  }

  @Test
  void betweenNewcomersTheOlderPoolWinsThenTheName() {
    PoolCatalog catalog = PoolCatalog.of(List.of(
        created(pool("a-new", "192.0.2.0/25"), "2026-02-01T00:00:00Z"),
        created(pool("b-old", "192.0.2.100-192.0.2.200"), "2026-01-01T00:00:00Z")));
    assertThat(catalog.pools()).extracting(Pool::name).containsExactly("b-old");
    assertThat(catalog.problems().get("a-new")).isEqualTo("spec.addresses[0] 192.0.2.0-192.0.2.127 overlaps"
        + " 192.0.2.100-192.0.2.200 of IPAddressPool 'b-old' and is not used");
    PoolCatalog sameAge = PoolCatalog.of(List.of(pool("b", "192.0.2.100-192.0.2.200"), pool("a", "192.0.2.0/25")));
    assertThat(sameAge.pools()).extracting(Pool::name).containsExactly("a");
  }

  @Test
  void aPoolInForceIsNeverDisabledByANewcomerWhateverItsNameOrAge() {
    PoolCatalog before = PoolCatalog.of(List.of(created(pool("z-lab", "192.0.2.0/28"), "2026-02-01T00:00:00Z")));
    PoolCatalog after = PoolCatalog.of(List.of(
        created(pool("z-lab", "192.0.2.0/28"), "2026-02-01T00:00:00Z"),
        created(pool("a-intruder", "192.0.2.8/29", "198.51.100.0/30"), "2026-01-01T00:00:00Z")), before, Set.of());
    assertThat(after.pool("z-lab").orElseThrow().blocks()).hasSize(1);
    // Only the overlapping entry of the newcomer is left out.
    assertThat(after.pool("a-intruder").orElseThrow().blocks()).hasToString("[198.51.100.0-198.51.100.3]");
    assertThat(after.problems()).containsOnlyKeys("a-intruder");
  }

  @Test
  void anEntryHoldingAnAddressInUseWinsEvenAfterARestart() {
    PoolCatalog catalog = PoolCatalog.of(List.of(pool("a", "192.0.2.0-192.0.2.10"),
        pool("b", "192.0.2.8-192.0.2.20")), PoolCatalog.empty(), Set.of(ip("192.0.2.15")));
    assertThat(catalog.pools()).extracting(Pool::name).containsExactly("b");
    assertThat(catalog.problems().get("a")).contains("overlaps 192.0.2.8-192.0.2.20 of IPAddressPool 'b'");
  }

  @Test
  void wideningAPoolOverAnotherRejectsOnlyTheNewEntry() {
    PoolCatalog before = PoolCatalog.of(List.of(pool("a", "192.0.2.0/29"), pool("b", "192.0.2.8/29")));
    PoolCatalog after = PoolCatalog.of(List.of(pool("a", "192.0.2.0/29", "192.0.2.0/28"), pool("b", "192.0.2.8/29")),
        before, Set.of());
    assertThat(after.pool("a").orElseThrow().blocks()).hasToString("[192.0.2.0-192.0.2.7]");
    assertThat(after.pool("b")).isPresent();
    assertThat(after.problems().get("a")).startsWith("spec.addresses[1] 192.0.2.0-192.0.2.15 overlaps");
  }

  @Test
  void capacityIsExactForLargeIpv6Blocks() {
    Pool lab = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/28", "198.51.100.5-198.51.100.6", "2001:db8::/64")))
        .pools().get(0);
    assertThat(lab.capacity(IpFamily.IPV4)).isEqualTo(BigInteger.valueOf(18));
    assertThat(lab.capacity(IpFamily.IPV6)).isEqualTo(BigInteger.TWO.pow(64));
    Pool buggy = PoolCatalog.of(List.of(avoidingBuggyIps(pool("b", "2001:db8::/64")))).pools().get(0);
    assertThat(buggy.capacity(IpFamily.IPV6)).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.TWO.pow(48)));
    assertThat(lab.contains(ip("198.51.100.6"))).isTrue();
    assertThat(lab.contains(ip("198.51.100.7"))).isFalse();
  }

  @Test
  void namespacesAndSelectorsRestrictWhoMayUseAPool() {
    Pool pool = PoolCatalog.of(List.of(restricted(pool("team", "192.0.2.0/24"), Set.of("shop"),
        new LabelMatcher(Map.of("tier", "edge"),
            List.of(new LabelMatcher.Requirement("env", "In", Set.of("prod", "stage")))))))
        .pools().get(0);
    assertThat(pool.allows("shop", Map.of("tier", "edge", "env", "prod"))).isTrue();
    assertThat(pool.allows("shop", Map.of("tier", "edge", "env", "dev"))).isFalse();
    assertThat(pool.allows("other", Map.of("tier", "edge", "env", "prod"))).isFalse();
    assertThat(pool.isPinned()).isTrue();
  }

  @Test
  void aBadSelectorDisablesThePoolWithTheCause() {
    PoolDefinition bad = new PoolDefinition("bad", Optional.empty(), List.of("192.0.2.0/24"), true, false,
        Set.of(), Optional.empty(), Optional.of("matchExpressions[0]: operator 'Near' is not In, NotIn,"
            + " Exists or DoesNotExist"));
    PoolCatalog catalog = PoolCatalog.of(List.of(bad));
    assertThat(catalog.pools()).isEmpty();
    assertThat(catalog.problems().get("bad")).isEqualTo("spec.serviceSelector: matchExpressions[0]: operator"
        + " 'Near' is not In, NotIn, Exists or DoesNotExist");
  }

  @Test
  void reportsCountEveryUsedAddressAndExactFreeIpv6() {
    Pool lab = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/29", "2001:db8::/64"))).pools().get(0);
    PoolReport report = PoolReport.of(lab, Set.of(ip("192.0.2.1"), ip("192.0.2.2"), ip("2001:db8::5"),
        ip("203.0.113.1")), Optional.empty());
    assertThat(report.allocatedIpv4()).isEqualTo(2);
    assertThat(report.freeIpv4()).isEqualTo(BigInteger.valueOf(6));
    assertThat(report.allocatedIpv6()).isEqualTo(1);
    assertThat(report.freeIpv6()).hasToString("18446744073709551615");
  }
}
