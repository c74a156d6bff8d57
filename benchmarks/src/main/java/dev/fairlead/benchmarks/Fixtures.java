package dev.fairlead.benchmarks;

import dev.fairlead.controller.metrics.ControllerMetrics;
import dev.fairlead.kube.vocabulary.ServiceEligibility;
import dev.fairlead.controller.queue.Backoff;
import dev.fairlead.controller.runtime.ControllerSettings;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.tck.memory.InMemoryCloud;
import dev.fairlead.lb.tck.memory.InMemoryProviderFactory;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Realistic Nodes and Services, the in-memory provider, and controller settings. */
final class Fixtures {
  /** The cluster name every benchmark uses. */
  static final String CLUSTER = "bench";

  private static final String NOW =
      Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  private static final String BOOT =
      Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS).toString();

  /** A pool of images; each node carries 20 of them, as real nodes do. */
  private static final String[] IMAGES = {
    "registry.k8s.io/kube-proxy:v1.31.2", "registry.k8s.io/pause:3.10",
    "docker.io/calico/node:v3.28.2", "docker.io/calico/cni:v3.28.2",
    "registry.k8s.io/coredns/coredns:v1.11.3", "quay.io/prometheus/node-exporter:v1.8.2",
    "docker.io/fluent/fluent-bit:3.1.9", "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
    "public.ecr.aws/eks-distro/kubernetes-csi/livenessprobe:v2.14.0",
    "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.36.0",
    "public.ecr.aws/eks-distro/kubernetes-csi/node-driver-registrar:v2.12.0",
    "docker.io/library/nginx:1.27.2", "docker.io/library/redis:7.4.1",
    "docker.io/library/postgres:16.4", "quay.io/jetstack/cert-manager-controller:v1.16.1",
    "quay.io/jetstack/cert-manager-webhook:v1.16.1", "ghcr.io/example/payments-api:2024.11.3",
    "ghcr.io/example/checkout-web:2024.11.7", "ghcr.io/example/search-indexer:1.42.0",
    "ghcr.io/example/orders-worker:3.8.1", "docker.io/grafana/promtail:3.2.1",
    "docker.io/bitnami/kubectl:1.31.2", "quay.io/argoproj/argocd:v2.13.0",
    "docker.io/istio/proxyv2:1.23.3", "docker.io/istio/pilot:1.23.3",
    "ghcr.io/example/inventory-api:5.0.2", "ghcr.io/example/auth-gateway:0.19.4",
    "docker.io/library/busybox:1.36.1", "docker.io/library/alpine:3.20.3",
    "ghcr.io/example/recommendations:7.1.0",
  };

  private Fixtures() {}

  /**
   * A worker node as a cloud cluster reports it: ~12 labels, 3 annotations, a providerID, 4
   * addresses, 5 conditions, capacity and allocatable, node info and 20 images.
   *
   * @param i the node index, 0 to 65535
   * @return the node
   */
  static Node node(int i) {
    String name = String.format(Locale.ROOT, "ip-10-1-%d-%d.ec2.internal", i / 256, i % 256);
    String zone = "us-east-1" + (char) ('a' + i % 3);
    String instance = String.format(Locale.ROOT, "i-0%015x", 0x4a3b2c1d0000L + i);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("beta.kubernetes.io/arch", "amd64");
    labels.put("beta.kubernetes.io/instance-type", "m5.xlarge");
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("failure-domain.beta.kubernetes.io/region", "us-east-1");
    labels.put("failure-domain.beta.kubernetes.io/zone", zone);
    labels.put("kubernetes.io/arch", "amd64");
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("node.kubernetes.io/instance-type", "m5.xlarge");
    labels.put("topology.kubernetes.io/region", "us-east-1");
    labels.put("topology.kubernetes.io/zone", zone);
    labels.put("node-pool", "general-" + (i % 4));
    List<NodeCondition> conditions = new ArrayList<>();
    conditions.add(condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available"));
    conditions.add(condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure"));
    conditions.add(condition("PIDPressure", "False", "KubeletHasSufficientPID",
        "kubelet has sufficient PID available"));
    conditions.add(condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"));
    conditions.add(condition("NetworkUnavailable", "False", "CalicoIsUp", "Calico is running on this node"));
    List<ContainerImage> images = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      String image = IMAGES[(i + k * 7) % IMAGES.length];
      String repo = image.substring(0, image.lastIndexOf(':'));
      images.add(new ContainerImage(
          List.of(repo + "@sha256:" + sha256Hex(image), image), 5_000_000L + (long) image.hashCode() % 4_000_000L
              + 90_000_000L));
    }
    String ip = String.format(Locale.ROOT, "10.1.%d.%d", i / 256, i % 256);
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .withAnnotations(Map.of(
            "node.alpha.kubernetes.io/ttl", "0",
            "volumes.kubernetes.io/controller-managed-attach-detach", "true",
            "csi.volume.kubernetes.io/nodeid", "{\"ebs.csi.aws.com\":\"" + instance + "\"}"))
        .withUid(uuid("node", i))
        .endMetadata()
        .withNewSpec()
        .withProviderID("aws:///" + zone + "/" + instance)
        .withPodCIDR(String.format(Locale.ROOT, "172.16.%d.0/24", i % 256))
        .withPodCIDRs(String.format(Locale.ROOT, "172.16.%d.0/24", i % 256))
        .endSpec()
        .withNewStatus()
        .addNewAddress().withType("InternalIP").withAddress(ip).endAddress()
        .addNewAddress().withType("ExternalIP")
        .withAddress(String.format(Locale.ROOT, "100.64.%d.%d", i / 256, i % 256)).endAddress()
        .addNewAddress().withType("InternalDNS").withAddress(name).endAddress()
        .addNewAddress().withType("Hostname").withAddress(name).endAddress()
        .withCapacity(resources("4", "16078424Ki", "104845292Ki", "58"))
        .withAllocatable(resources("3920m", "15062616Ki", "95551679124", "58"))
        .withConditions(conditions)
        .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(10250).endKubeletEndpoint()
        .endDaemonEndpoints()
        .withNewNodeInfo()
        .withArchitecture("amd64")
        .withBootID(uuid("boot", i))
        .withContainerRuntimeVersion("containerd://1.7.22")
        .withKernelVersion("6.1.112-124.190.amzn2023.x86_64")
        .withKubeProxyVersion("v1.31.2-eks-94953ac")
        .withKubeletVersion("v1.31.2-eks-94953ac")
        .withMachineID(uuid("machine", i).replace("-", ""))
        .withOperatingSystem("linux")
        .withOsImage("Amazon Linux 2023.6.20241121")
        .withSystemUUID("ec2" + uuid("system", i).substring(3))
        .endNodeInfo()
        .withImages(images)
        .endStatus()
        .build();
  }

  /**
   * A LoadBalancer Service: 2 ports with node ports, 3 labels, 2 annotations, a selector and the
   * fields the API server defaults; optionally already ensured (our finalizer and the in-memory
   * provider's hostname ingress published), as after a controller restart.
   *
   * @param i the index
   * @param namespaces how many namespaces to spread Services over
   * @param ensured whether to add the finalizer and published status
   * @return the Service
   */
  static Service service(int i, int namespaces, boolean ensured) {
    return service(i, namespaces, ensured, null);
  }

  /**
   * A LoadBalancer Service of a load-balancer class; see {@link #service(int, int, boolean)}.
   *
   * @param i the index
   * @param namespaces how many namespaces to spread Services over
   * @param ensured whether to add the (default-class) finalizer and published status
   * @param loadBalancerClass the class, or null for the default
   * @return the Service
   */
  static Service service(int i, int namespaces, boolean ensured, String loadBalancerClass) {
    String name = "svc-" + i;
    String app = "app-" + i;
    String uid = uuid("service", i);
    int nodePort = 30000 + (2 * i) % 2700;
    ServiceBuilder builder =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace(i, namespaces))
            .withUid(uid)
            .withLabels(Map.of(
                "app.kubernetes.io/name", app,
                "app.kubernetes.io/part-of", "shop",
                "app.kubernetes.io/managed-by", "Helm"))
            .withAnnotations(Map.of(
                "meta.helm.sh/release-name", app,
                "meta.helm.sh/release-namespace", namespace(i, namespaces)))
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withSelector(Map.of("app.kubernetes.io/name", app))
            .addNewPort().withName("http").withProtocol("TCP").withPort(80)
            .withNewTargetPort(8080).withNodePort(nodePort).endPort()
            .addNewPort().withName("https").withProtocol("TCP").withPort(443)
            .withNewTargetPort(8443).withNodePort(nodePort + 1).endPort()
            .withClusterIP(String.format(Locale.ROOT, "172.20.%d.%d", (i / 256) % 256, i % 256))
            .withClusterIPs(String.format(Locale.ROOT, "172.20.%d.%d", (i / 256) % 256, i % 256))
            .withIpFamilies("IPv4")
            .withIpFamilyPolicy("SingleStack")
            .withSessionAffinity("None")
            .withExternalTrafficPolicy("Cluster")
            .withInternalTrafficPolicy("Cluster")
            .withAllocateLoadBalancerNodePorts(true)
            .withLoadBalancerClass(loadBalancerClass)
            .endSpec();
    if (ensured) {
      builder
          .editMetadata().withFinalizers(ServiceEligibility.DEFAULT_FINALIZER).endMetadata()
          .withNewStatus().withNewLoadBalancer().addNewIngress().withHostname(hostname(uid))
          .endIngress().endLoadBalancer().endStatus();
    }
    return builder.build();
  }

  static String namespace(int i, int namespaces) {
    return "team-" + (i % namespaces);
  }

  static String key(int i, int namespaces) {
    return namespace(i, namespaces) + "/svc-" + i;
  }

  /**
   * A Lease held by another replica, renewed an hour from now: a controller with leader election
   * stays on standby (informers running, no reconcile) until the Lease is deleted.
   *
   * @param namespace the namespace
   * @param name the Lease name
   * @return the Lease
   */
  static Lease foreignLease(String namespace, String name) {
    ZonedDateTime soon = ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(1);
    return new LeaseBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec()
        .withHolderIdentity("another-replica")
        .withLeaseDurationSeconds(3600)
        .withAcquireTime(soon)
        .withRenewTime(soon)
        .withLeaseTransitions(0)
        .endSpec()
        .build();
  }

  /** The in-memory provider's hostname for a Service UID in {@link #CLUSTER}. */
  static String hostname(String uid) {
    String label = uid.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return label.substring(0, Math.min(label.length(), 63)) + "." + CLUSTER + ".lb.example.test";
  }

  /**
   * The in-memory provider on {@code cloud}, publishing hostnames (its address pools hold only
   * 254 IPv4 addresses, too few for these benchmarks), with the given latency per change.
   *
   * @param cloud the cloud
   * @param latency the latency of ensure, updateBackends and ensureDeleted; zero for none
   * @param metrics receives the provider's API calls
   * @return the provider
   */
  static LoadBalancerProvider provider(InMemoryCloud cloud, Duration latency, ControllerMetrics metrics) {
    Map<String, String> settings = new HashMap<>();
    settings.put("ingress", "hostname");
    if (!latency.isZero()) {
      settings.put("latency", latency.toMillis() + "ms");
    }
    return new InMemoryProviderFactory()
        .create(
            new ProviderContext(
                CLUSTER,
                ProviderSettings.of(settings),
                Clock.systemUTC(),
                metrics.cloudApiListener(InMemoryProviderFactory.NAME)),
            cloud);
  }

  /**
   * Controller settings for a benchmark: no HTTP endpoints, no leader election unless given.
   *
   * @param concurrency provider calls at once
   * @param callsPerSecond provider calls per second
   * @param resync the resync period
   * @param leaderElection lease settings, or empty
   * @return the settings
   */
  static ControllerSettings settings(
      int concurrency,
      int callsPerSecond,
      Duration resync,
      Optional<ControllerSettings.LeaderElectionSettings> leaderElection) {
    return settings(concurrency, callsPerSecond, resync, leaderElection, Optional.empty());
  }

  /**
   * Controller settings for a benchmark, serving one load-balancer class.
   *
   * @param concurrency provider calls at once
   * @param callsPerSecond provider calls per second
   * @param resync the resync period
   * @param leaderElection lease settings, or empty
   * @param loadBalancerClass the class served, or empty for the default
   * @return the settings
   */
  static ControllerSettings settings(
      int concurrency,
      int callsPerSecond,
      Duration resync,
      Optional<ControllerSettings.LeaderElectionSettings> leaderElection,
      Optional<String> loadBalancerClass) {
    return new ControllerSettings(
        InMemoryProviderFactory.NAME,
        CLUSTER,
        loadBalancerClass,
        concurrency,
        callsPerSecond,
        Backoff.UPSTREAM,
        resync,
        Duration.ofSeconds(1),
        leaderElection,
        -1,
        "bench-controller",
        Duration.ofSeconds(5));
  }

  private static Map<String, Quantity> resources(String cpu, String memory, String storage, String pods) {
    Map<String, Quantity> map = new LinkedHashMap<>();
    map.put("cpu", new Quantity(cpu));
    map.put("ephemeral-storage", new Quantity(storage));
    map.put("hugepages-1Gi", new Quantity("0"));
    map.put("hugepages-2Mi", new Quantity("0"));
    map.put("memory", new Quantity(memory));
    map.put("pods", new Quantity(pods));
    return map;
  }

  private static NodeCondition condition(String type, String status, String reason, String message) {
    NodeCondition condition = new NodeCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setLastHeartbeatTime(NOW);
    condition.setLastTransitionTime(BOOT);
    return condition;
  }

  private static String uuid(String kind, int i) {
    return UUID.nameUUIDFromBytes((kind + "-" + i).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
