package dev.fairlead.lb.baremetal.speaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import dev.fairlead.lb.baremetal.crd.L2Advertisement;
import dev.fairlead.lb.baremetal.crd.L2AdvertisementSpec;
import dev.fairlead.lb.baremetal.speaker.election.ServiceRef;
import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import dev.fairlead.systemtests.ApiUse;
import dev.fairlead.systemtests.Manifests;
import dev.fairlead.systemtests.RecordingDispatcher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The speaker's RBAC in deploy/ grants exactly what its Kubernetes side was seen using: the
 * informers, the events it records (announcing, address conflict, invalid L2Advertisements, BGP
 * sessions, invalid BGP objects), L2Advertisement status and its node's entry in the BGP objects'
 * status, its membership Secret (get + watch) and the BGP password Secret (get), each by name only.
 * Its packet side needs no API. The key generator Job may only create Secrets in its namespace.
 */
class SpeakerRbacIT {
  static final String SECRET = "fairlead-speaker-membership";

  @Test
  void theSpeakerReadsSecretsOnlyByNameInItsNamespace() throws Exception {
    List<HasMetadata> objects = Manifests.objects(Manifests.kustomize("baremetal"));
    Map<String, PolicyRule> secretRules = new java.util.TreeMap<>();
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRole role) {
        assertThat(role.getRules()).as("ClusterRole %s", role.getMetadata().getName())
            .noneMatch(r -> r.getResources().contains("secrets"));
      } else if (o instanceof Role role && role.getMetadata().getName().startsWith("fairlead-speaker")
          && !role.getMetadata().getName().equals("fairlead-speaker-key")) {
        assertThat(role.getMetadata().getNamespace()).isEqualTo("fairlead-system");
        role.getRules().stream().filter(r -> r.getResources().contains("secrets"))
            .forEach(r -> secretRules.put(role.getMetadata().getName(), r));
      }
    }
    // The membership key: get + watch (rotation without restart); BGP passwords: get.
    assertThat(secretRules).containsOnlyKeys("fairlead-speaker-membership", "fairlead-speaker-bgp-passwords");
    assertThat(secretRules.get("fairlead-speaker-membership")).satisfies(rule -> {
      assertThat(rule.getResourceNames()).containsExactly(SECRET);
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "watch");
      assertThat(rule.getResources()).containsExactly("secrets");
    });
    assertThat(secretRules.get("fairlead-speaker-bgp-passwords")).satisfies(rule -> {
      assertThat(rule.getResourceNames()).containsExactly("fairlead-bgp-router");
      assertThat(rule.getVerbs()).containsExactly("get");
    });
    String rendered = Manifests.kustomize("baremetal");
    assertThat(rendered).contains("--membership-secret=" + SECRET, "--secret=" + SECRET);
  }

  @Test
  void theKeyJobMayOnlyCreateSecretsAndDoesJustThat() throws Exception {
    RecordingDispatcher dispatcher = new RecordingDispatcher("fairlead-speaker-key-under-test");
    KubernetesMockServer server = recordingServer(dispatcher);
    KubernetesClient client = server.createClient();
    try (KubernetesClient jobClient = clientAs(client, "fairlead-speaker-key-under-test")) {
      dispatcher.recording = true;
      SpeakerSettings.SecretRef ref = new SpeakerSettings.SecretRef("fairlead-system", SECRET);
      SpeakerKeyCommand.create(jobClient, ref);
      SpeakerKeyCommand.create(jobClient, ref);
      dispatcher.recording = false;
    } finally {
      client.close();
      server.destroy();
    }
    Set<ApiUse> granted = Manifests.grants(Manifests.objects(Manifests.kustomize("baremetal")),
        "fairlead-speaker-key");
    assertThat(dispatcher.uses).containsExactly(new ApiUse("", "secrets", "create"));
    assertThat(granted).isEqualTo(dispatcher.uses);
  }

  @Test
  void grantsAreExactlyWhatTheSpeakerUses() throws Exception {
    RecordingDispatcher dispatcher = new RecordingDispatcher("fairlead-speaker-under-test");
    KubernetesMockServer server = recordingServer(dispatcher);
    KubernetesClient client = server.createClient();
    try {
      seed(client);
      dispatcher.recording = true;
      try (KubernetesClient speakerClient = clientAs(client, "fairlead-speaker-under-test");
          KubeState state = new KubeState(speakerClient, () -> {});
          ServiceEvents events = new ServiceEvents(speakerClient, "node-1");
          MembershipSecret secret = new MembershipSecret(speakerClient, "fairlead-system", SECRET,
              new SpeakerMetrics())) {
        state.start(Duration.ofSeconds(20));
        assertThat(secret.start(keys -> {}).accepted()).hasSize(1);
        try (AdvertisementStatusWriter writer =
            new AdvertisementStatusWriter(speakerClient, "node-1", java.time.Clock.systemUTC())) {
          writer.update(true, state.l2Advertisements(),
              ClusterModel.pools(state.pools()));
          await().atMost(Duration.ofSeconds(10)).until(() ->
              client.resources(L2Advertisement.class).withName("broken").get().getStatus() != null);
        }
        List<ServiceRef> web = List.of(new ServiceRef("default", "web", "uid-web"));
        events.acquired(InetAddress.ofLiteral("192.0.2.10"), web);
        events.conflict(InetAddress.ofLiteral("192.0.2.10"), new Mac(new byte[] {2, 0, 0, 0, 0, 1}),
            "eth0", "answered an ARP probe for", web);
        await().atMost(Duration.ofSeconds(10)).until(() ->
            client.v1().events().inNamespace("default").list().getItems().size() == 3);

        // BGP: a peer whose connection is refused (its password Secret is read first), a valid
        // and an invalid advertisement.
        try (dev.fairlead.lb.baremetal.speaker.bgp.BgpSpeaker bgp =
            new dev.fairlead.lb.baremetal.speaker.bgp.BgpSpeaker("node-1", speakerClient,
                new io.prometheus.metrics.model.registry.PrometheusRegistry(), "fairlead-system", 0)) {
          bgp.reconcile(new dev.fairlead.lb.baremetal.speaker.bgp.BgpSpeaker.Inputs(Map.of(), true,
              List.of(InetAddress.ofLiteral("192.0.2.1")), state.bgpPeers(),
              state.bgpAdvertisements(), state.bfdProfiles(), state.pools(), List.of()));
          await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(dispatcher.uses)
              .contains(new ApiUse("", "secrets", "get"),
                  new ApiUse("baremetal.fairlead.dev", "bgppeers/status", "patch"),
                  new ApiUse("baremetal.fairlead.dev", "bgpadvertisements/status", "patch")));
          await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events()
              .inNamespace("default").list().getItems().stream()
              .anyMatch(e -> "InvalidConfiguration".equals(e.getReason())));
        }
      }
      dispatcher.recording = false;
    } finally {
      client.close();
      server.destroy();
    }

    Set<ApiUse> granted = Manifests.grants(Manifests.objects(Manifests.kustomize("baremetal")),
        "fairlead-speaker");
    assertThat(granted).as("every API use of the speaker is granted; requests seen: %s",
        new TreeSet<>(dispatcher.requests)).containsAll(dispatcher.uses);
    Set<ApiUse> unused = new HashSet<>(granted);
    unused.removeAll(dispatcher.uses);
    assertThat(unused).as("no grant is broader than what the speaker uses").isEmpty();
  }

  /** The CRUD mock API server with a dispatcher that records what the client under test uses. */
  private static KubernetesMockServer recordingServer(RecordingDispatcher dispatcher) {
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  /** A client whose requests the dispatcher records (told apart by the User-Agent). */
  private static KubernetesClient clientAs(KubernetesClient base, String userAgent) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(base.getConfiguration()).withUserAgent(userAgent).build())
        .build();
  }

  private static void seed(KubernetesClient client) {
    SpeakerKeyCommand.create(client, new SpeakerSettings.SecretRef("fairlead-system", SECRET));
    seedBgp(client);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress("192.0.2.1").endAddress()
        .endStatus().build()).create();
    IPAddressPool pool = new IPAddressPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("lab").build());
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of("192.0.2.10/32"));
    pool.setSpec(spec);
    client.resources(IPAddressPool.class).resource(pool).create();
    L2Advertisement broken = new L2Advertisement();
    broken.setMetadata(new ObjectMetaBuilder().withName("broken").build());
    L2AdvertisementSpec adSpec = new L2AdvertisementSpec();
    adSpec.setInterfaces(List.of("not/an/interface"));
    broken.setSpec(adSpec);
    client.resources(L2Advertisement.class).resource(broken).create();
    client.services().resource(new ServiceBuilder().withNewMetadata().withNamespace("default")
        .withName("web").withUid("uid-web").endMetadata()
        .withNewSpec().withType("LoadBalancer").addNewPort().withPort(80).withNodePort(30080).endPort()
        .endSpec().withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.10")
        .endIngress().endLoadBalancer().endStatus().build()).create();
    client.discovery().v1().endpointSlices().resource(new EndpointSliceBuilder().withNewMetadata()
        .withNamespace("default").withName("web-abc").addToLabels("kubernetes.io/service-name", "web")
        .endMetadata().withAddressType("IPv4").addNewEndpoint().withAddresses("198.51.100.7")
        .withNodeName("node-1").withNewConditions().withReady(true).endConditions().endEndpoint()
        .build()).create();
  }

  private static void seedBgp(KubernetesClient client) {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    client.secrets().inNamespace("fairlead-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("fairlead-bgp-router").withNamespace("fairlead-system").endMetadata()
        .addToData("password", "czNjcmV0").build()).create();
    dev.fairlead.lb.baremetal.crd.BFDProfile profile = new dev.fairlead.lb.baremetal.crd.BFDProfile();
    profile.getMetadata().setName("fast");
    profile.setSpec(new dev.fairlead.lb.baremetal.crd.BFDProfileSpec(300, 300, 3, null, null, null, null));
    client.resources(dev.fairlead.lb.baremetal.crd.BFDProfile.class).resource(profile).create();
    dev.fairlead.lb.baremetal.crd.BGPPeer peer = new dev.fairlead.lb.baremetal.crd.BGPPeer();
    peer.getMetadata().setName("rtr");
    peer.setSpec(new dev.fairlead.lb.baremetal.crd.BGPPeerSpec(64513L, 64512L, "127.0.0.1", closedPort,
        null, "3s", null, "1s", null, null, null, null,
        new dev.fairlead.lb.baremetal.crd.BGPPeerSpec.SecretReference("fairlead-bgp-router", null),
        "fast", null, null, null, null, null));
    client.resources(dev.fairlead.lb.baremetal.crd.BGPPeer.class).resource(peer).create();
    for (var entry : Map.of("all", List.of("64513:100"), "bad", List.of("not-a-community")).entrySet()) {
      dev.fairlead.lb.baremetal.crd.BGPAdvertisement ad = new dev.fairlead.lb.baremetal.crd.BGPAdvertisement();
      ad.getMetadata().setName(entry.getKey());
      ad.setSpec(new dev.fairlead.lb.baremetal.crd.BGPAdvertisementSpec(null, null, null,
          entry.getValue(), null, null, null, null));
      client.resources(dev.fairlead.lb.baremetal.crd.BGPAdvertisement.class).resource(ad).create();
    }
  }
}
