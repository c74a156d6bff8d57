package dev.fairlead.lb.baremetal.ipam;

import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.ip;
import static dev.fairlead.lb.baremetal.ipam.IpamFixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.IpFamily;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PoolCatalogTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "not an address|192.0.2.x/24|spec.addresses[0]: '192.0.2.x/24' is not a CIDR",
    "reversed range|192.0.2.20-192.0.2.10|ends before it starts",
    "mixed families|192.0.2.1-2001:db8::1|mixes IPv4 and IPv6",
    "shorthand|10.1/16|'10.1/16' is not a CIDR",
    "overlap inside|192.0.2.0/24,192.0.2.128/25|spec.addresses[1] 192.0.2.128-192.0.2.255 overlaps 192.0.2.0-192.0.2.255 in the same pool",
  })
  void invalidPoolsAreLeftOutWithTheCause(String name, String addresses, String error) {
    PoolCatalog catalog = PoolCatalog.of(List.of(pool("bad", addresses.split(",")), pool("good", "203.0.113.0/24")));
    assertThat(catalog.pools()).extracting(Pool::name).containsExactly("good");
    assertThat(catalog.errors().get("bad")).contains(error);
  }

  @Test
  void theLaterOfTwoOverlappingPoolsIsLeftOut() {
    PoolCatalog catalog = PoolCatalog.of(List.of(pool("b", "192.0.2.100-192.0.2.200"), pool("a", "192.0.2.0/25")));
    assertThat(catalog.pools()).extracting(Pool::name).containsExactly("a");
    assertThat(catalog.errors().get("b"))
        .isEqualTo("192.0.2.100-192.0.2.200 overlaps 192.0.2.0-192.0.2.127 of IPAddressPool 'a'");
  }

  @Test
  void capacityAndMembershipFollowTheBlocks() {
    Pool lab = PoolCatalog.of(List.of(pool("lab", "192.0.2.0/28", "198.51.100.5-198.51.100.6", "2001:db8::/64")))
        .pools().get(0);
    assertThat(lab.capacity(IpFamily.IPV4)).isEqualTo(18);
    assertThat(lab.capacity(IpFamily.IPV6)).isEqualTo(Long.MAX_VALUE); // 2^64 capped
    assertThat(lab.contains(ip("198.51.100.6"))).isTrue();
    assertThat(lab.contains(ip("198.51.100.7"))).isFalse();
  }

  @Test
  void namespacesAndSelectorsRestrictWhoMayUseAPool() {
    var team = pool("team", "192.0.2.0/24");
    team.getSpec().setNamespaces(List.of("shop"));
    team.getSpec().setServiceSelector(new LabelSelectorBuilder().addToMatchLabels("tier", "edge")
        .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod", "stage").endMatchExpression()
        .build());
    Pool pool = PoolCatalog.of(List.of(team)).pools().get(0);
    assertThat(pool.allows("shop", Map.of("tier", "edge", "env", "prod"))).isTrue();
    assertThat(pool.allows("shop", Map.of("tier", "edge", "env", "dev"))).isFalse();
    assertThat(pool.allows("other", Map.of("tier", "edge", "env", "prod"))).isFalse();
    assertThat(pool.isPinned()).isTrue();
  }

  @Test
  void aBadSelectorOperatorIsReported() {
    var bad = pool("bad", "192.0.2.0/24");
    bad.getSpec().setServiceSelector(new LabelSelectorBuilder().addNewMatchExpression()
        .withKey("env").withOperator("Near").endMatchExpression().build());
    assertThat(PoolCatalog.of(List.of(bad)).errors().get("bad")).contains("spec.serviceSelector: operator 'Near'");
  }
}
