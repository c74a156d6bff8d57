package dev.fairlead.lb.baremetal;

import static dev.fairlead.lb.baremetal.BareMetalLab.NS;
import static dev.fairlead.lb.baremetal.BareMetalLab.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.vocabulary.RequestedAddresses;
import dev.fairlead.lb.api.ApiCallListener;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.mockwebserver.http.MockResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller with {@code --provider baremetal} against the fake API server. */
class BareMetalControllerIT {
  final BareMetalLab lab = new BareMetalLab();

  @AfterEach
  void tearDown() {
    lab.close();
  }

  @Test
  void servicesGetAddressesFromThePoolIncludingDualStackAndSharing() {
    Pools.create(lab.api.client(), "lab", "192.0.2.0/29", "2001:db8::/125");
    lab.start();
    lab.create("web", s -> s);
    lab.create("dual", s -> s.editSpec().withIpFamilies("IPv6", "IPv4").endSpec());
    lab.create("dns-tcp", s -> s.editMetadata().addToAnnotations(BareMetalAnnotations.SHARING_KEY, "dns")
        .endMetadata().editSpec().editFirstPort().withPort(53).endPort().endSpec());
    lab.create("dns-udp", s -> s.editMetadata().addToAnnotations(BareMetalAnnotations.METALLB_SHARING_KEY, "dns")
        .endMetadata().editSpec().editFirstPort().withPort(5353).endPort().endSpec());

    // The four Services reconcile concurrently: which one gets which address is not defined, only
    // that every address comes from the pool, per family, and that only the sharing pair shares.
    List<String> web = lab.awaitIps("web");
    assertThat(web).hasSize(1);
    assertThat(web.get(0)).matches("192\\.0\\.2\\.[0-7]");
    List<String> dual = lab.awaitIps("dual");
    assertThat(dual).hasSize(2);
    assertThat(dual.get(0)).startsWith("2001:db8::");
    assertThat(dual.get(1)).matches("192\\.0\\.2\\.[0-7]");
    List<String> dns = lab.awaitIps("dns-tcp");
    assertThat(lab.awaitIps("dns-udp")).isEqualTo(dns);
    assertThat(Set.of(web.get(0), dual.get(1), dns.get(0))).hasSize(3);
    await().atMost(WAIT).untilAsserted(() -> {
      var status = Pools.get(lab.api.client(), "lab").getStatus();
      assertThat(status).isNotNull();
      assertThat(status.getAllocatedIPv4()).isEqualTo(3);
      assertThat(status.getFreeIPv4()).isEqualTo(5);
      assertThat(status.getAllocatedIPv6()).isEqualTo(1);
      assertThat(status.getFreeIPv6()).isEqualTo("7");
    });
  }

  @Test
  void requestedAddressesAreHonouredAndBadRequestsGetAWarningWithoutDisturbingOthers() {
    Pools.create(lab.api.client(), "lab", "192.0.2.0/29", "2001:db8::/125");
    lab.start();
    lab.create("wanted", s -> s);
    lab.api.client().services().inNamespace(NS).withName("wanted").patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"loadBalancerIP\":\"192.0.2.5\"}}");
    lab.create("outside", s -> s.editMetadata()
        .addToAnnotations(RequestedAddresses.ANNOTATION, "203.0.113.9").endMetadata());
    lab.create("outside-v6", s -> s.editMetadata()
        .addToAnnotations(RequestedAddresses.METALLB_ANNOTATION, "2001:0db8:0000::0009").endMetadata()
        .editSpec().withIpFamilies("IPv6").endSpec());
    lab.create("no-pool", s -> s.editMetadata()
        .addToAnnotations(BareMetalAnnotations.ADDRESS_POOL, "missing").endMetadata());
    lab.create("plain", s -> s);

    await().atMost(WAIT).until(() -> lab.ips("wanted").equals(List.of("192.0.2.5")));
    assertThat(lab.awaitWarning("outside", "203.0.113.9 is not in any usable IPAddressPool")).isNotBlank();
    // Addresses in messages are in RFC 5952 form, however the user wrote them.
    assertThat(lab.awaitWarning("outside-v6", "requested address 2001:db8::9 is not in any usable"))
        .isNotBlank();
    assertThat(lab.awaitWarning("no-pool", "IPAddressPool 'missing' does not exist")).isNotBlank();
    assertThat(lab.awaitIps("plain")).hasSize(1);
    assertThat(lab.ips("outside")).isEmpty();
    assertThat(lab.ips("no-pool")).isEmpty();
  }

  @Test
  void anExhaustedPoolLeavesTheServicePendingWithAWarningUntilAnAddressIsFreed() {
    Pools.create(lab.api.client(), "tiny", "192.0.2.10-192.0.2.11");
    lab.start();
    lab.create("a", s -> s);
    lab.create("b", s -> s);
    lab.awaitIps("a");
    lab.awaitIps("b");
    lab.create("c", s -> s);
    assertThat(lab.awaitWarning("c", "no free IPv4 address in IPAddressPool(s) 'tiny'")).isNotBlank();
    assertThat(lab.ips("c")).isEmpty();
    List<String> freed = lab.ips("a");

    lab.api.client().services().inNamespace(NS).withName("a").delete();
    await().atMost(WAIT).until(() -> lab.ips("c").equals(freed));
    assertThat(lab.ips("b")).isNotEqualTo(freed);
  }

  @Test
  void repeatedRestartsNeverMoveOrDuplicateAnAddress() {
    Pools.create(lab.api.client(), "lab", "192.0.2.0/28");
    ControllerHarness controller = lab.start();
    for (int i = 0; i < 4; i++) {
      lab.create("svc-" + i, s -> s);
    }
    Map<String, List<String>> before = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      before.put("svc-" + i, lab.awaitIps("svc-" + i));
    }
    for (int restart = 0; restart < 3; restart++) {
      lab.stop(controller);
      // While the controller is down, a released address would be up for grabs; it must not be.
      lab.api.client().services().inNamespace(NS).withName("svc-" + restart).patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"touched\":\"yes\"}}}");
      lab.create("late-" + restart, s -> s);
      controller = lab.start();
      String late = "late-" + restart;
      List<String> lateIps = lab.awaitIps(late);
      List<String> all = new ArrayList<>(lateIps);
      for (var entry : before.entrySet()) {
        await().atMost(WAIT).until(() -> lab.ips(entry.getKey()).equals(entry.getValue()));
        all.addAll(entry.getValue());
      }
      assertThat(new HashSet<>(all)).as("no address is held twice").hasSameSizeAs(all);
      before.put(late, lateIps);
    }
  }

  /** Issue 9, defect 1: labels were neither in the spec nor a relevant update. */
  @Test
  void aLabelChangeIsReEvaluatedAgainstPoolSelectors() {
    Pools.create(lab.api.client(), "edge", spec -> spec.setServiceSelector(
        new LabelSelectorBuilder().addToMatchLabels("tier", "edge").build()), "192.0.2.0/29");
    lab.start();
    lab.create("web", s -> s);
    lab.awaitWarning("web", "no IPAddressPool with autoAssign allows this Service (namespace 'lab',"
        + " labels {})");

    lab.edit("web", s -> {
      s.getMetadata().setLabels(Map.of("tier", "edge"));
      return s;
    });
    assertThat(lab.awaitIps("web")).hasSize(1);
  }

  /** Issue 9, defect 5: ensure re-read the Service from the API server. */
  @Test
  void ensureReadsNoServiceFromTheApiServer() {
    Pools.create(lab.api.client(), "edge", spec -> spec.setServiceSelector(new LabelSelectorBuilder()
        .addNewMatchExpression().withKey("tier").withOperator("DoesNotExist").endMatchExpression()
        .build()), "192.0.2.0/29");
    lab.start();
    long before = lab.api.requests().getOrDefault("GET services", 0L);
    lab.create("web", s -> s.editMetadata().addToAnnotations(BareMetalAnnotations.SHARING_KEY, "k")
        .endMetadata().editSpec().withExternalTrafficPolicy("Local").withHealthCheckNodePort(32000)
        .endSpec());
    // Wait on the pool's status, not on the Service, so this test itself reads no Service.
    await().atMost(WAIT).until(() -> Pools.get(lab.api.client(), "edge").getStatus() != null
        && Pools.get(lab.api.client(), "edge").getStatus().getAllocatedIPv4() == 1);
    // The controller had the Service in its cache; the provider gets what it needs in the spec.
    assertThat(lab.api.requests().getOrDefault("GET services", 0L)).isEqualTo(before);
    assertThat(lab.ips("web")).hasSize(1);
  }

  /** Issue 9, defect 4: pool status was written outside the leadership gate. */
  @Test
  void aReplicaThatStoppedLeadingWritesNoPoolStatusAfterwards() throws Exception {
    Pools.create(lab.api.client(), "lab", "192.0.2.0/28");
    AtomicLong statusWrites = new AtomicLong();
    // Every pool status write takes 2 s at the API server, so writes are still pending when the
    // replica stops leading.
    lab.api.crud().control("/apis/baremetal.fairlead.dev/v1alpha1/ipaddresspools/lab/status", request -> {
      statusWrites.incrementAndGet();
      return new MockResponse().setResponseCode(409)
          .setBody("{\"kind\":\"Status\",\"code\":409}").setBodyDelay(Duration.ofSeconds(2));
    });
    ControllerSettings base = ControllerHarness.fastSettings("baremetal", "replica-a");
    ControllerSettings leading = new ControllerSettings(base.providerName(), base.clusterName(),
        base.loadBalancerClass(), base.concurrency(), base.providerCallsPerSecond(), base.backoff(),
        base.resyncPeriod(), base.nodeSyncDelay(),
        Optional.of(new ControllerSettings.LeaderElectionSettings("kube-system", "fairlead-it",
            Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(250))),
        base.metricsPort(), base.identity(), base.shutdownGrace());
    ControllerHarness controller = lab.start(leading, Map.of(), ApiCallListener.NONE);
    await().atMost(WAIT).until(() -> controller.runtime().isLeading());
    for (int i = 0; i < 3; i++) {
      lab.create("svc-" + i, s -> s);
    }
    for (int i = 0; i < 3; i++) {
      lab.awaitIps("svc-" + i);
    }
    await().atMost(WAIT).until(() -> statusWrites.get() >= 1);
    lab.stop(controller); // stops leading: from here on this replica must not write
    long atStop = statusWrites.get();
    Thread.sleep(5000); // negative check: give a write that should not happen time to arrive
    assertThat(statusWrites.get()).isEqualTo(atStop);
  }
}
