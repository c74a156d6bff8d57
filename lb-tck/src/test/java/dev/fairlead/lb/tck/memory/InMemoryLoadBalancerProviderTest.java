package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.tck.memory.InMemoryAddressing.IngressKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static dev.fairlead.lb.tck.memory.Fixtures.ips;
import static dev.fairlead.lb.tck.memory.Fixtures.key;
import static dev.fairlead.lb.tck.memory.Fixtures.requesting;
import static dev.fairlead.lb.tck.memory.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryLoadBalancerProviderTest {

  private final InMemoryCloud cloud = new InMemoryCloud();
  private final InMemoryLoadBalancerProvider provider = Fixtures.provider(cloud, "east");

  @Test
  void allocatesTheLowestFreeAddressOncePerService() {
    assertThat(provider.ensure(spec("web"))).isEqualTo(ips("192.0.2.1"));
    assertThat(provider.ensure(spec("api"))).isEqualTo(ips("192.0.2.2"));
    assertThat(provider.ensure(spec("web"))).isEqualTo(ips("192.0.2.1"));
  }

  @Test
  void keepsTheAddressWhenBackendsOrPortsChange() {
    LoadBalancerSpec web = spec("web");
    provider.ensure(web);

    provider.updateBackends(web.withBackends(web.backends().subList(0, 1)));
    LoadBalancerSpec newPorts =
        new LoadBalancerSpec(
            web.service(),
            List.of(new PortMapping("https", Protocol.TCP, 443, 30443)),
            web.backends(),
            List.of(),
            List.of(),
            web.trafficPolicy(),
            web.ipFamilies(),
            Map.of());

    assertThat(provider.ensure(newPorts)).isEqualTo(ips("192.0.2.1"));
    assertThat(cloud.loadBalancers("east").get(key("web")).spec()).isEqualTo(newPorts);
  }

  @Test
  void storesTheLastSpecOfUpdateBackends() {
    LoadBalancerSpec web = spec("web");
    provider.ensure(web);
    LoadBalancerSpec fewer = web.withBackends(web.backends().subList(0, 1));

    provider.updateBackends(fewer);

    assertThat(cloud.loadBalancers("east"))
        .containsExactly(Map.entry(key("web"), new StoredLoadBalancer(fewer, ips("192.0.2.1"))));
  }

  @Test
  void publishesOneAddressPerFamilyPrimaryFirst() {
    assertThat(provider.ensure(spec("web", IpFamily.IPV6, IpFamily.IPV4)))
        .isEqualTo(ips("2001:db8::1", "192.0.2.1"));
  }

  @Test
  void droppingAFamilyFreesItsAddress() {
    provider.ensure(spec("web", IpFamily.IPV4, IpFamily.IPV6));
    provider.ensure(spec("web", IpFamily.IPV4));

    assertThat(provider.ensure(spec("api", IpFamily.IPV6))).isEqualTo(ips("2001:db8::1"));
  }

  @Test
  void deletionFreesTheAddress() {
    provider.ensure(spec("web"));
    provider.ensureDeleted(key("web"));

    assertThat(provider.find(key("web"))).isEmpty();
    assertThat(provider.ensure(spec("api"))).isEqualTo(ips("192.0.2.1"));
  }

  @Test
  void honoursARequestedAddressAndFreesThePreviousOne() {
    provider.ensure(spec("web"));

    assertThat(provider.ensure(requesting("web", "192.0.2.77"))).isEqualTo(ips("192.0.2.77"));
    assertThat(provider.ensure(spec("api"))).isEqualTo(ips("192.0.2.1"));
  }

  @Test
  void rejectsRequestedAddressesOutsideTheRangeOrTakenWithoutChangingAnything() {
    provider.ensure(spec("web"));
    provider.ensure(spec("api"));

    assertThatThrownBy(() -> provider.ensure(requesting("web", "198.51.100.1")))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("outside the pool 192.0.2.0/24");
    assertThatThrownBy(() -> provider.ensure(requesting("web", "192.0.2.2")))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("already used");
    assertThatThrownBy(() -> provider.ensure(requesting("web", "192.0.2.8", "192.0.2.9")))
        .isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("one requested address per IP family");
    assertThat(cloud.loadBalancers("east").get(key("web")))
        .isEqualTo(new StoredLoadBalancer(spec("web"), ips("192.0.2.1")));
  }

  @Test
  void clustersAreSeparateButShareTheAddressPool() {
    InMemoryLoadBalancerProvider west = Fixtures.provider(cloud, "west");

    assertThat(provider.ensure(spec("web"))).isEqualTo(ips("192.0.2.1"));
    assertThat(west.find(key("web"))).isEmpty();
    assertThat(west.ensure(spec("web"))).isEqualTo(ips("192.0.2.2"));
    west.ensureDeleted(key("web"));
    assertThat(provider.find(key("web"))).hasValue(ips("192.0.2.1"));
  }

  @Test
  void aFreshInstanceSeesTheSameLoadBalancers() {
    provider.ensure(spec("web"));
    provider.close();

    InMemoryLoadBalancerProvider restarted = Fixtures.provider(cloud, "east");

    assertThat(restarted.find(key("web"))).hasValue(ips("192.0.2.1"));
    assertThatThrownBy(() -> provider.find(key("web")))
        .isInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void recoverReservesPublishedAddressesBeforeAnythingNewIsAllocated() {
    // A restart against an empty cloud: only the published status remembers the addresses.
    Map<ServiceKey, LoadBalancerStatus> published = new LinkedHashMap<>();
    published.put(key("web"), ips("192.0.2.1", "2001:db8::5"));
    published.put(key("outside"), ips("198.51.100.4"));
    published.put(key("clash"), ips("192.0.2.1"));
    provider.recover(published);

    assertThat(provider.ensure(spec("api"))).isEqualTo(ips("192.0.2.2"));
    assertThat(provider.ensure(spec("web", IpFamily.IPV4, IpFamily.IPV6)))
        .isEqualTo(ips("192.0.2.1", "2001:db8::5"));
    assertThat(provider.ensure(spec("clash"))).isEqualTo(ips("192.0.2.3"));
    assertThat(cloud.calls()).startsWith("recover 3");
  }

  @Test
  void findChangesNothing() {
    assertThat(provider.find(key("web"))).isEmpty();
    assertThat(cloud.loadBalancers("east")).isEmpty();
    assertThat(provider.ensure(spec("web"))).isEqualTo(ips("192.0.2.1"));
  }

  @Test
  void anExhaustedPoolIsAProviderFailure() {
    InMemoryLoadBalancerProvider tiny =
        Fixtures.provider(
            cloud,
            "east",
            new InMemoryAddressing(
                IngressKind.IP, Cidr.parse("192.0.2.10/32"), Cidr.parse("2001:db8::/112")));

    assertThat(tiny.ensure(spec("web"))).isEqualTo(ips("192.0.2.10"));
    assertThatThrownBy(() -> tiny.ensure(spec("api")))
        .isInstanceOf(ProviderFailureException.class)
        .hasMessageContaining("exhausted");
    assertThat(cloud.loadBalancers("east")).containsOnlyKeys(key("web"));
  }

  @Test
  void hostnameModePublishesOneNamePerService() {
    InMemoryLoadBalancerProvider named =
        Fixtures.provider(cloud, "east", InMemoryAddressing.hostnames());
    ServiceKey service = new ServiceKey("default", "web", "7f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b");
    LoadBalancerSpec base = spec("web", IpFamily.IPV4, IpFamily.IPV6);
    LoadBalancerSpec spec =
        new LoadBalancerSpec(
            service,
            base.ports(),
            base.backends(),
            List.of(),
            List.of(),
            base.trafficPolicy(),
            base.ipFamilies(),
            Map.of());

    assertThat(named.ensure(spec))
        .isEqualTo(
            LoadBalancerStatus.of(
                new LoadBalancerStatus.Hostname(
                    "7f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b.east.lb.example.test")));
  }

  @Test
  void addressingOnlyAcceptsDocumentationRanges() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new InMemoryAddressing(
                    IngressKind.IP, Cidr.parse("10.0.0.0/24"), Cidr.parse("2001:db8::/112")))
        .withMessageContaining("ipv4Range");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new InMemoryAddressing(
                    IngressKind.IP, Cidr.parse("192.0.2.0/24"), Cidr.parse("192.0.2.0/24")))
        .withMessageContaining("ipv6Range");
  }
}
