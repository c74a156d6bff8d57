package dev.fairlead.lb.baremetal;

import static dev.fairlead.lb.baremetal.BareMetalLab.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.vocabulary.EventReasons;
import dev.fairlead.kube.vocabulary.RequestedAddresses;
import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Address pools as users change them (issue 8 "Bare-metal address management", issue 12's waiting
 * Services): pools are checked when they change, the pool in use wins, every Service of any class
 * counts, and messages say what to change.
 */
class PoolLifecycleIT {
  final BareMetalLab lab = new BareMetalLab();

  @AfterEach
  void tearDown() {
    lab.close();
  }

  IPAddressPoolStatus status(String pool) {
    return Pools.get(lab.api.client(), pool).getStatus();
  }

  List<String> reasons(String involved) {
    return lab.events(involved).stream().map(Event::getReason).toList();
  }

  @Test
  void anOverlappingNewcomerIsRejectedAndThePoolInUseKeepsWorking() {
    Pools.create(lab.api.client(), "z-lab", "192.0.2.0/28");
    lab.start();
    lab.create("web", s -> s);
    assertThat(lab.awaitIps("web")).containsExactly("192.0.2.0");

    // Sorts first and overlaps the pool in use: before, it disabled z-lab.
    Pools.create(lab.api.client(), "a-newcomer", "192.0.2.8/29", "198.51.100.8/30");
    String warning = lab.awaitWarning("a-newcomer", "overlaps");
    assertThat(warning).isEqualTo("spec.addresses[0] 192.0.2.8-192.0.2.15 overlaps 192.0.2.0-192.0.2.15"
        + " of IPAddressPool 'z-lab' and is not used");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(status("a-newcomer").getError()).isEqualTo(warning);
      assertThat(status("a-newcomer").getFreeIPv4()).isEqualTo(4); // its other entry works
      assertThat(status("z-lab").getError()).isNull();
      assertThat(status("z-lab").getAllocatedIPv4()).isEqualTo(1);
      assertThat(status("z-lab").getFreeIPv4()).isEqualTo(15);
    });
    lab.create("api", s -> s.editMetadata().addToAnnotations(BareMetalAnnotations.ADDRESS_POOL, "z-lab")
        .endMetadata());
    assertThat(lab.awaitIps("api")).containsExactly("192.0.2.1");
  }

  @Test
  void poolsAreCheckedWhenTheyChangeNotWhenAServiceDoes() {
    lab.start();
    Pools.create(lab.api.client(), "self-overlap", "192.0.2.0/28", "192.0.2.4-192.0.2.5");
    Pools.create(lab.api.client(), "broken", "192.0.2/24");
    assertThat(lab.awaitWarning("self-overlap", "spec.addresses[1] 192.0.2.4-192.0.2.5 overlaps"
        + " spec.addresses[0] 192.0.2.0-192.0.2.15 of the same pool and is not used")).isNotBlank();
    assertThat(lab.awaitWarning("broken", "spec.addresses[0]: '192.0.2/24' is not a CIDR")).isNotBlank();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(status("self-overlap").getError()).contains("of the same pool");
      assertThat(status("self-overlap").getFreeIPv4()).isEqualTo(16);
      assertThat(status("broken").getError()).contains("'192.0.2/24'");
      assertThat(status("broken").getFreeIPv4()).isZero();
    });

    // Fixing the pool clears the error and says so.
    Pools.setAddresses(lab.api.client(), "broken", "198.51.100.0/30");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(status("broken").getError()).isNull();
      assertThat(status("broken").getFreeIPv4()).isEqualTo(4);
      assertThat(reasons("broken")).contains(EventReasons.POOL_VALID);
    });
  }

  @Test
  void aNewOrWidenedPoolServesWaitingServicesAtOnce() {
    // A 10-minute retry: only the pool change can explain an address within seconds.
    lab.start(ControllerHarness.fastSettings("baremetal", "it"), Map.of("retryWhenExhausted", "10m"),
        ApiCallListener.NONE);
    lab.create("early", s -> s);
    lab.awaitWarning("early", "no IPAddressPool with autoAssign allows this Service");
    Pools.create(lab.api.client(), "tiny", "192.0.2.10/32");
    assertThat(lab.awaitIps("early")).containsExactly("192.0.2.10");

    lab.create("late", s -> s);
    lab.awaitWarning("late", "no free IPv4 address in IPAddressPool(s) 'tiny'");
    Pools.setAddresses(lab.api.client(), "tiny", "192.0.2.10-192.0.2.11");
    assertThat(lab.awaitIps("late")).containsExactly("192.0.2.11");
  }

  @Test
  void anIpv6ServiceWithoutIpv6PoolsIsToldSoAndWaitsForAChange() {
    ControllerHarness controller = lab.start();
    Pools.create(lab.api.client(), "v4", "192.0.2.0/30");
    lab.create("dual", s -> s.editSpec().withIpFamilies("IPv4", "IPv6").endSpec());
    String warning = lab.awaitWarning("dual", "has no IPv6 range");
    assertThat(warning).contains("'v4' has no IPv6 range, but the Service asks for IPv6 (spec.ipFamilies"
        + " [IPv4, IPv6]); retried when the IPAddressPools or the Service change");
    assertThat(warning).doesNotContain("no free");
    int attempts = lab.warnings("dual").size();

    Pools.setAddresses(lab.api.client(), "v4", "192.0.2.0/30", "2001:db8::/64");
    assertThat(lab.awaitIps("dual")).containsExactly("192.0.2.0", "2001:db8::");
    assertThat(attempts).isEqualTo(1); // no retry loop while nothing changed
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(status("v4").getFreeIPv6()).isEqualTo("18446744073709551615"));
    assertThat(controller.provider().ensures()).isEqualTo(1);
  }

  @Test
  void aServiceThatCannotShareIsToldWhyAlsoWhenItGetsAnotherAddress() {
    Pools.create(lab.api.client(), "lab", "192.0.2.0/29");
    lab.start();
    lab.create("dns", s -> s.editMetadata().addToAnnotations(BareMetalAnnotations.SHARING_KEY, "dns")
        .endMetadata());
    assertThat(lab.awaitIps("dns")).containsExactly("192.0.2.0");
    lab.create("dns-2", s -> s.editMetadata().addToAnnotations(BareMetalAnnotations.SHARING_KEY, "dns")
        .endMetadata());
    assertThat(lab.awaitIps("dns-2")).containsExactly("192.0.2.1");
    assertThat(lab.awaitWarning("dns-2", "could not share")).isEqualTo("could not share 192.0.2.0"
        + " (sharing key 'dns'): lab/dns holds it and both use port 80/TCP; got 192.0.2.1 instead");
    assertThat(reasons("dns-2")).contains(EventReasons.ADDRESS_NOT_SHARED);

    lab.create("dns-local", s -> s.editMetadata().addToAnnotations(BareMetalAnnotations.SHARING_KEY, "dns")
        .endMetadata().editSpec().editFirstPort().withPort(53).endPort()
        .withExternalTrafficPolicy("Local").withHealthCheckNodePort(32000).endSpec());
    assertThat(lab.awaitWarning("dns-local", "could not share")).contains(
        "its externalTrafficPolicy is Cluster, this Service's Local");
  }

  @Test
  void controllersOfTwoClassesNeverHandOutTheSameAddressAndOneWritesPoolStatus() {
    Pools.create(lab.api.client(), "shared", "192.0.2.0/29");
    lab.start();
    lab.start(BareMetalLab.ofClass("it-b", "example.com/b"), Map.of(), ApiCallListener.NONE);
    for (int i = 0; i < 3; i++) {
      lab.create("a-" + i, s -> s);
      lab.create("b-" + i, s -> s.editSpec().withLoadBalancerClass("example.com/b").endSpec());
    }
    // Two controllers may race for the same free address; the Service with the greater UID moves.
    await().atMost(WAIT).untilAsserted(() -> {
      List<String> all = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        all.addAll(lab.ips("a-" + i));
        all.addAll(lab.ips("b-" + i));
      }
      assertThat(all).hasSize(6);
      assertThat(Set.copyOf(all)).as("six Services, six distinct addresses").hasSize(6);
    });
    // The default-class controller owns the status, and counts the other class's addresses too.
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(status("shared").getAllocatedIPv4()).isEqualTo(6);
      assertThat(status("shared").getFreeIPv4()).isEqualTo(2);
    });
  }

  @Test
  void poolUsageIsOnMetricsAndStatusWritesAreCountedLikeCloudCalls() throws IOException {
    List<String> calls = new CopyOnWriteArrayList<>();
    Pools.create(lab.api.client(), "lab", "192.0.2.0/29", "2001:db8::/120");
    ControllerHarness controller = lab.start(ControllerHarness.fastSettings("baremetal", "it"), Map.of(),
        (operation, outcome, duration) -> calls.add(operation + " " + outcome));
    lab.create("web", s -> s);
    lab.awaitIps("web");
    await().atMost(WAIT).until(() -> calls.contains("PatchIPAddressPoolStatus ok"));
    assertThat(calls).contains("ListIPAddressPools ok");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, controller.metrics().registry().scrape());
    String metrics = out.toString(StandardCharsets.UTF_8);
    assertThat(metrics).contains("fairlead_pool_addresses_in_use{family=\"IPv4\",pool=\"lab\"} 1.0");
    assertThat(metrics).contains("fairlead_pool_addresses_capacity{family=\"IPv6\",pool=\"lab\"} 256.0");
    assertThat(metrics).contains("jvm_memory_used_bytes", "process_cpu_seconds_total", "fairlead_build_info");
  }

  @Test
  void anUpdateThatChangesNothingForTheProviderIsSilentAndAResolvedWarningSaysSo() {
    Pools.create(lab.api.client(), "lab", "192.0.2.0/29");
    ControllerHarness controller = lab.start();
    lab.create("web", s -> s);
    lab.awaitIps("web");
    await().atMost(WAIT).until(() -> reasons("web").contains(EventReasons.ENSURED));
    int ensures = controller.provider().ensures();

    // kubectl apply rewrites last-applied-configuration: nothing the provider reads.
    lab.edit("web", s -> {
      s.getMetadata().setAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"));
      return s;
    });
    lab.edit("web", s -> {
      s.getMetadata().getAnnotations().put(RequestedAddresses.ANNOTATION, "nonsense");
      return s;
    });
    lab.awaitWarning("web", "'nonsense' is not an IP address");
    lab.edit("web", s -> {
      s.getMetadata().getAnnotations().remove(RequestedAddresses.ANNOTATION);
      return s;
    });
    await().atMost(WAIT).until(() -> lab.events("web").stream().anyMatch(e ->
        "Normal".equals(e.getType()) && e.getMessage().contains("the problem reported earlier is resolved")));
    assertThat(controller.provider().ensures()).isEqualTo(ensures);
    assertThat(lab.events("web").stream().filter(e -> e.getReason().equals(EventReasons.ENSURING))
        .mapToInt(Event::getCount).sum()).isEqualTo(1);
  }
}
