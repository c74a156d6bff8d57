package dev.fairlead.controller.it;

import static dev.fairlead.kube.fake.KubeFixtures.loadBalancer;
import static dev.fairlead.kube.fake.KubeFixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.controller.runtime.ControllerSettings.LeaderElectionSettings;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.controller.testing.ControllerHarness;
import dev.fairlead.kube.fake.FakeApiServer;
import dev.fairlead.lb.tck.memory.InMemoryCloud;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas against one API server: only the Lease holder acts; the other takes over. */
class LeaderElectionIT {
  static final Duration WAIT = Duration.ofSeconds(20);

  FakeApiServer cluster;
  InMemoryCloud cloud;
  ControllerHarness first;
  ControllerHarness second;

  @BeforeEach
  void setUp() {
    cluster = FakeApiServer.start();
    cloud = new InMemoryCloud();
    cluster.client().nodes().resource(node("node-1", 1)).create();
  }

  @AfterEach
  void tearDown() {
    for (ControllerHarness harness : new ControllerHarness[] {first, second}) {
      if (harness != null) {
        harness.close();
      }
    }
    cluster.close();
  }

  static ControllerSettings replica(String identity) {
    ControllerSettings base = InMemoryController.fastSettings(identity);
    return new ControllerSettings(base.providerName(), base.clusterName(), base.loadBalancerClass(),
        base.concurrency(), base.providerCallsPerSecond(), base.backoff(), base.resyncPeriod(),
        base.nodeSyncDelay(),
        Optional.of(new LeaderElectionSettings("kube-system", "fairlead-it", Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofMillis(250))),
        base.metricsPort(), base.identity(), base.shutdownGrace());
  }

  boolean published(String name) {
    Service service = cluster.service("default", name);
    return service != null && service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null
        && !service.getStatus().getLoadBalancer().getIngress().isEmpty();
  }

  @Test
  void onlyTheLeaderActsAndTheStandbyTakesOverWhenItStops() {
    first = InMemoryController.start(cluster.client(), cloud, replica("replica-a"));
    await().atMost(WAIT).until(() -> first.runtime().isLeading());
    second = InMemoryController.start(cluster.client(), cloud, replica("replica-b"));

    cluster.client().services().resource(loadBalancer("default", "one", 80, 30080)).create();
    await().atMost(WAIT).until(() -> published("one"));
    assertThat(first.runtime().isLeading()).isTrue();
    assertThat(second.runtime().isLeading()).isFalse();
    assertThat(cluster.client().leases().inNamespace("kube-system").withName("fairlead-it").get()
        .getSpec().getHolderIdentity()).isEqualTo("replica-a");
    assertThat(cloud.count("ensure")).isEqualTo(1); // the standby called nothing

    first.close(); // graceful: releases the Lease
    first = null;
    await().atMost(WAIT).until(() -> second.runtime().isLeading());
    cluster.client().services().resource(loadBalancer("default", "two", 80, 30081)).create();
    await().atMost(WAIT).until(() -> published("two"));
    assertThat(cluster.client().leases().inNamespace("kube-system").withName("fairlead-it").get()
        .getSpec().getHolderIdentity()).isEqualTo("replica-b");
    // One load balancer per Service: the new leader re-ensured "one" in place, no duplicate.
    assertThat(cloud.loadBalancers(InMemoryController.CLUSTER)).hasSize(2);
  }

  @Test
  void aLeaderThatLosesItsLeaseStopsWritingAtOnce() {
    first = InMemoryController.start(cluster.client(), cloud, replica("replica-a"));
    await().atMost(WAIT).until(() -> first.runtime().isLeading());
    cluster.client().services().resource(loadBalancer("default", "one", 80, 30080)).create();
    await().atMost(WAIT).until(() -> published("one"));

    // Another party takes the Lease (as after a network partition): a long, valid lease.
    cluster.client().leases().inNamespace("kube-system").withName("fairlead-it").edit(lease -> {
      lease.getSpec().setHolderIdentity("intruder");
      lease.getSpec().setLeaseDurationSeconds(600);
      lease.getSpec().setRenewTime(java.time.ZonedDateTime.now());
      lease.getSpec().setAcquireTime(java.time.ZonedDateTime.now());
      return lease;
    });
    await().atMost(WAIT).until(() -> !first.runtime().isLeading());
    long callsWhenLost = cloud.calls().size();

    cluster.client().services().resource(loadBalancer("default", "two", 80, 30081)).create();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> cloud.calls().size() == callsWhenLost && !published("two"));
    Service two = cluster.service("default", "two");
    assertThat(two.getMetadata().getFinalizers()).isNullOrEmpty();
  }
}
