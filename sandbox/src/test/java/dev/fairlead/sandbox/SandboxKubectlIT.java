package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Real kubectl against a sandbox running the real controller with the baremetal provider. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxKubectlIT {
  private static final String EXTERNAL_IP = "198\\.51\\.100\\.\\d+";

  @TempDir static Path dir;
  private Sandbox sandbox;
  private Kubectl kubectl;

  @BeforeAll
  void start() {
    sandbox = Sandbox.start(new SandboxOptions("baremetal", null, 3, "127.0.0.1", 0,
        dir.resolve("kubeconfig"), true));
    kubectl = new Kubectl(sandbox.kubeconfig(), dir.resolve("cache"));
  }

  @AfterAll
  void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private static String service(String name, String ports) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %s
          labels: {app: %s}
        spec:
          type: LoadBalancer
          selector: {app: %s}
          ports:
        %s""".formatted(name, name, name, ports);
  }

  private Kubectl.Result apply(String yaml) {
    return kubectl.runWithInput(yaml, "apply", "-f", "-");
  }

  @Test
  void applyPublishesUpdatesDescribesAndDeletes() {
    assertThat(apply(service("hello", "  - {name: http, port: 80, targetPort: 8080}\n")).all())
        .contains("service/hello created");
    await().atMost(Kubectl.timeout()).untilAsserted(() -> assertThat(kubectl.ok("get", "svc", "hello").out())
        .containsPattern("hello\\s+LoadBalancer\\s+203\\.0\\.113\\.\\d+\\s+" + EXTERNAL_IP + "\\s+80:3\\d{4}/TCP\\s"));
    assertThat(kubectl.ok("get", "svc").out()).contains("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE");

    // An edited manifest: the port changes and a UDP port is added (a strategic merge patch).
    Kubectl.Result edited = apply(service("hello",
        "  - {name: http, port: 81, targetPort: 8080}\n  - {name: dns, port: 53, protocol: UDP}\n"));
    assertThat(edited.all()).contains("service/hello configured");
    await().atMost(Kubectl.timeout()).untilAsserted(() -> assertThat(kubectl.ok("get", "svc", "hello").out())
        .containsPattern(EXTERNAL_IP + "\\s+81:3\\d{4}/TCP,53:3\\d{4}/UDP\\s"));
    assertThat(apply(service("hello",
        "  - {name: http, port: 81, targetPort: 8080}\n  - {name: dns, port: 53, protocol: UDP}\n")).all())
        .contains("service/hello unchanged");

    await().atMost(Kubectl.timeout()).untilAsserted(() -> assertThat(kubectl.ok("describe", "svc", "hello").out())
        .contains("LoadBalancer Ingress:", "EnsuredLoadBalancer"));
    assertThat(kubectl.ok("get", "svc", "hello", "-o", "jsonpath={.metadata.finalizers}").out())
        .contains("load-balancer-cleanup");

    // delete waits until the controller released the load balancer and removed its finalizer.
    assertThat(kubectl.ok("delete", "svc", "hello", "--timeout=30s").out()).contains("service \"hello\" deleted");
    Kubectl.Result gone = kubectl.run("get", "svc", "hello");
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.err()).contains("services \"hello\" not found");
  }

  @Test
  void explainShowsTheFieldsOfBuiltInAndCustomKinds() {
    Kubectl.Result service = kubectl.run("explain", "service.spec");
    assertThat(service.exitCode()).as(service.all()).isZero();
    assertThat(service.out()).contains("KIND:", "Service", "FIELD: spec", "ports", "loadBalancerSourceRanges",
        "externalTrafficPolicy");
    assertThat(kubectl.ok("explain", "service.spec.ports").out()).contains("nodePort", "targetPort");

    Kubectl.Result pool = kubectl.run("explain", "ipaddresspool.spec");
    assertThat(pool.exitCode()).as(pool.all()).isZero();
    assertThat(pool.out()).contains("IPAddressPool", "addresses", "autoAssign");
  }

  @Test
  void serverSideApplyIsRefusedWithTheSameMessageForNewAndExistingObjects() {
    String yaml = service("ssa", "  - {port: 80}\n");
    Kubectl.Result fresh = kubectl.runWithInput(yaml, "apply", "--server-side", "-f", "-");
    assertThat(fresh.exitCode()).isNotZero();
    assertThat(fresh.err()).contains("server-side apply is not supported by the fairlead sandbox");
    assertThat(kubectl.run("get", "svc", "ssa").exitCode()).as("nothing created").isNotZero();

    assertThat(apply(yaml).out()).contains("service/ssa created");
    Kubectl.Result existing = kubectl.runWithInput(yaml, "apply", "--server-side", "-f", "-");
    assertThat(existing.err()).contains("server-side apply is not supported by the fairlead sandbox");
    kubectl.ok("delete", "svc", "ssa", "--timeout=30s");
  }

  @Test
  void objectsGetUidsOfTheirOwnNotTheMockServersCountFromOne() {
    apply(service("uid-a", "  - {port: 80}\n"));
    apply(service("uid-b", "  - {port: 80}\n"));
    java.util.UUID a = java.util.UUID.fromString(kubectl.ok("get", "svc", "uid-a", "-o", "jsonpath={.metadata.uid}").out());
    java.util.UUID b = java.util.UUID.fromString(kubectl.ok("get", "svc", "uid-b", "-o", "jsonpath={.metadata.uid}").out());
    assertThat(a.getLeastSignificantBits()).as("not 1, 2, 3... as in every other run: %s", a).isGreaterThan(1L << 40);
    assertThat(b).isNotEqualTo(a);
    kubectl.ok("delete", "svc", "uid-a", "uid-b", "--timeout=30s");
  }

  @Test
  void invalidServiceIsRejectedWithTheApiError() {
    Kubectl.Result result = apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: bad}
        spec:
          type: LoadBalancer
          loadBalancerSourceRanges: [not-a-cidr]
          ports:
          - {name: a, port: 80, nodePort: 80}
          - {name: b, port: 80}
        """);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("The Service \"bad\" is invalid",
        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range."
            + " The range of valid ports is 30000-32767",
        "spec.ports[1]: Duplicate value",
        "spec.loadBalancerSourceRanges[0]: Invalid value: \"not-a-cidr\"");
    Kubectl.Result badType = apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: bad}
        spec: {type: Balanced, ports: [{port: 80}]}
        """);
    assertThat(badType.err()).contains("spec.type: Unsupported value: \"Balanced\"");
    assertThat(kubectl.run("get", "svc", "bad").exitCode()).isNotZero();
    Kubectl.Result typo = apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: typo}
        spec: {type: LoadBalancer, prots: [{port: 80}], ports: [{port: 80}]}
        """);
    assertThat(typo.err()).contains("strict decoding error: unknown field \"spec.prots\"");
  }

  @Test
  void watchShowsTheAddressArrive() throws Exception {
    Process watch = kubectl.start("get", "svc", "-w");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // process ended
      }
    });
    try {
      await().atMost(Kubectl.timeout()).until(() -> lines.stream().anyMatch(l -> l.startsWith("kubernetes")));
      apply(service("watched", "  - {port: 8443}\n"));
      await().atMost(Kubectl.timeout()).untilAsserted(() -> assertThat(String.join("\n", lines))
          .containsPattern("watched\\s+LoadBalancer\\s+\\S+\\s+<pending>")
          .containsPattern("watched\\s+LoadBalancer\\s+\\S+\\s+" + EXTERNAL_IP));
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
      reader.join(Duration.ofSeconds(10));
    }
    kubectl.ok("delete", "svc", "watched", "--timeout=30s");
  }

  @Test
  void nodesPoolsAndEvents() {
    assertThat(kubectl.ok("get", "nodes").out()).containsPattern("sandbox-node-1\\s+Ready")
        .contains("sandbox-node-3");
    assertThat(kubectl.ok("get", "nodes", "-o", "wide").out()).contains("192.0.2.11");
    assertThat(kubectl.ok("get", "ipaddresspools").out()).contains("ADDRESSES", "sandbox", "198.51.100.0/24");
    assertThat(kubectl.ok("get", "ns").out()).contains("default", "kube-system");
    assertThat(kubectl.ok("get", "svc", "-l", "component in (apiserver)").out()).contains("kubernetes");
    assertThat(kubectl.ok("get", "svc", "-l", "component notin (apiserver)").all())
        .doesNotContain("kubernetes ");
  }

  @Test
  void customResourcesApplyAndUpdateWithMergePatches() {
    String pool = """
        apiVersion: baremetal.fairlead.dev/v1alpha1
        kind: IPAddressPool
        metadata: {name: lab}
        spec:
          autoAssign: false
          addresses: [%s]
        """;
    assertThat(kubectl.runWithInput(pool.formatted("192.0.2.200-192.0.2.210"), "apply", "-f", "-").all())
        .contains("ipaddresspool.baremetal.fairlead.dev/lab created");
    assertThat(kubectl.runWithInput(pool.formatted("192.0.2.220-192.0.2.230"), "apply", "-f", "-").all())
        .contains("ipaddresspool.baremetal.fairlead.dev/lab configured");
    assertThat(kubectl.ok("get", "ipool", "lab", "-o", "jsonpath={.spec.addresses}").out())
        .isEqualTo("[\"192.0.2.220-192.0.2.230\"]");
    kubectl.ok("delete", "ipaddresspool", "lab", "--timeout=30s");
  }

  @Test
  void builtInKindsApplyLikeDeploymentManifests() {
    String manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: fairlead-it}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: ctl, namespace: fairlead-it}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: fairlead-it}
        rules:
        - apiGroups: [""]
          resources: [services]
          verbs: [get, list, watch]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ctl, namespace: fairlead-it}
        spec:
          replicas: 2
          selector: {matchLabels: {app: ctl}}
          template:
            metadata: {labels: {app: ctl}}
            spec:
              serviceAccountName: ctl
              containers:
              - name: ctl
                image: example.invalid/ctl:1
                args: [controller]
                ports: [{name: metrics, containerPort: 8080}]
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: ctl, namespace: fairlead-it}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: ctl}}
        """;
    Kubectl.Result first = kubectl.runWithInput(manifests, "apply", "-f", "-");
    assertThat(first.exitCode()).as(first.all()).isZero();
    assertThat(first.out()).contains("namespace/fairlead-it created", "deployment.apps/ctl created",
        "poddisruptionbudget.policy/ctl created");
    Kubectl.Result again = kubectl.runWithInput(manifests.replace("replicas: 2", "replicas: 3"), "apply", "-f", "-");
    assertThat(again.out()).contains("namespace/fairlead-it unchanged", "deployment.apps/ctl configured");
    assertThat(kubectl.ok("get", "deploy", "ctl", "-n", "fairlead-it", "-o", "jsonpath={.spec.replicas}"
        + " {.spec.template.spec.containers[0].ports[0].name}").out()).isEqualTo("3 metrics");

    // Deleting the namespace deletes what is in it.
    assertThat(kubectl.ok("delete", "namespace", "fairlead-it", "--timeout=30s").out()).contains("deleted");
    assertThat(kubectl.run("get", "deploy", "ctl", "-n", "fairlead-it").err()).contains("not found");
  }

  @Test
  void recordsWhatTheControllerUsedInRbacTerms() {
    List<dev.fairlead.sandbox.api.ApiCall> calls = sandbox.api().calls();
    List<String> controller = calls.stream().filter(c -> c.userAgent().contains("fabric8"))
        .map(c -> c.verb() + " " + c.group() + "/" + c.rbacResource()).distinct().toList();
    assertThat(controller).contains("list /services", "watch /services", "list /nodes", "watch /nodes");
    kubectl.ok("get", "svc", "-w", "--request-timeout=1s");
    assertThat(sandbox.api().calls()).anyMatch(c -> c.verb().equals("watch") && c.userAgent().startsWith("kubectl"));
  }
}
