package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resource types the sandbox serves: a fixed set of built-in types (enough for kubectl and for
 * Fairlead's deployment manifests) plus the served versions of every stored CustomResourceDefinition.
 */
public final class ResourceCatalog {
  private static final List<ApiResource> BUILT_IN = List.of(
      core("namespaces", "Namespace", false, true, "ns"),
      core("services", "Service", true, true, "svc"),
      core("nodes", "Node", false, true, "no"),
      core("pods", "Pod", true, true, "po"),
      core("endpoints", "Endpoints", true, false, "ep"),
      core("events", "Event", true, false, "ev"),
      core("configmaps", "ConfigMap", true, false, "cm"),
      core("secrets", "Secret", true, false),
      core("serviceaccounts", "ServiceAccount", true, false, "sa"),
      core("persistentvolumeclaims", "PersistentVolumeClaim", true, true, "pvc"),
      core("persistentvolumes", "PersistentVolume", false, true, "pv"),
      core("limitranges", "LimitRange", true, false, "limits"),
      core("resourcequotas", "ResourceQuota", true, true, "quota"),
      of("apps", "v1", "deployments", "Deployment", true, true, "deploy"),
      of("apps", "v1", "daemonsets", "DaemonSet", true, true, "ds"),
      of("apps", "v1", "statefulsets", "StatefulSet", true, true, "sts"),
      of("apps", "v1", "replicasets", "ReplicaSet", true, true, "rs"),
      of("apps", "v1", "controllerrevisions", "ControllerRevision", true, false),
      of("batch", "v1", "jobs", "Job", true, true),
      of("batch", "v1", "cronjobs", "CronJob", true, true, "cj"),
      of("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, true, "hpa"),
      of("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, "pdb"),
      of("rbac.authorization.k8s.io", "v1", "roles", "Role", true, false),
      of("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, false),
      of("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, false),
      of("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, false),
      of("coordination.k8s.io", "v1", "leases", "Lease", true, false),
      of("events.k8s.io", "v1", "events", "Event", true, false, "ev"),
      of("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, false),
      of("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, "netpol"),
      of("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, "ing"),
      of("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, false),
      of("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, false, "pc"),
      of("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, false, "sc"),
      of("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
          "ValidatingWebhookConfiguration", false, false),
      of("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
          "MutatingWebhookConfiguration", false, false),
      of("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
          false, true, "crd", "crds"));

  private final List<ApiResource> resources;

  private ResourceCatalog(List<ApiResource> resources) {
    this.resources = List.copyOf(resources);
  }

  /**
   * The built-in types plus those of the given CRDs.
   *
   * @param crds stored CustomResourceDefinition objects (apiextensions.k8s.io/v1)
   * @return the catalog
   */
  public static ResourceCatalog of(List<JsonNode> crds) {
    List<ApiResource> all = new ArrayList<>(BUILT_IN);
    for (JsonNode crd : crds) {
      all.addAll(fromCrd(crd));
    }
    return new ResourceCatalog(all);
  }

  /**
   * The built-in types only.
   *
   * @return the catalog
   */
  public static ResourceCatalog builtIn() {
    return new ResourceCatalog(BUILT_IN);
  }

  /**
   * Whether a group-version is built in (its OpenAPI document is served).
   *
   * @param groupVersion {@code v1} or {@code group/version}
   * @return true if built in
   */
  public static boolean isBuiltIn(String groupVersion) {
    return BUILT_IN.stream().anyMatch(r -> r.groupVersion().equals(groupVersion));
  }

  /**
   * Every resource.
   *
   * @return the resources
   */
  public List<ApiResource> all() {
    return resources;
  }

  /**
   * A resource by its URL coordinates.
   *
   * @param group the group ("" for core)
   * @param version the version
   * @param plural the plural
   * @return the resource, if served
   */
  public Optional<ApiResource> find(String group, String version, String plural) {
    return resources.stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural))
        .findFirst();
  }

  /**
   * Resources grouped by group-version, in catalog order (built-in first).
   *
   * @return group-version to resources
   */
  public Map<String, List<ApiResource>> byGroupVersion() {
    Map<String, List<ApiResource>> out = new LinkedHashMap<>();
    for (ApiResource r : resources) {
      out.computeIfAbsent(r.groupVersion(), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /**
   * The named (non-core) groups with their versions, in catalog order.
   *
   * @return group to versions
   */
  public Map<String, List<String>> groups() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ApiResource r : resources) {
      if (!r.group().isEmpty()) {
        List<String> versions = out.computeIfAbsent(r.group(), k -> new ArrayList<>());
        if (!versions.contains(r.version())) {
          versions.add(r.version());
        }
      }
    }
    return out;
  }

  static List<ApiResource> fromCrd(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText();
    JsonNode names = spec.path("names");
    String plural = names.path("plural").asText();
    String kind = names.path("kind").asText();
    if (group.isEmpty() || plural.isEmpty() || kind.isEmpty()) {
      return List.of();
    }
    String singular = names.path("singular").asText(kind.toLowerCase(java.util.Locale.ROOT));
    List<String> shortNames = new ArrayList<>();
    names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText());
    List<ApiResource> out = new ArrayList<>();
    for (JsonNode version : spec.path("versions")) {
      if (!version.path("served").asBoolean(true)) {
        continue;
      }
      List<ApiResource.PrinterColumn> columns = new ArrayList<>();
      for (JsonNode c : version.path("additionalPrinterColumns")) {
        columns.add(new ApiResource.PrinterColumn(c.path("name").asText(), c.path("type").asText("string"),
            c.path("jsonPath").asText(), c.path("priority").asInt(0)));
      }
      out.add(new ApiResource(group, version.path("name").asText(), plural, singular, kind, namespaced,
          shortNames, version.path("subresources").has("status"), columns));
    }
    return out;
  }

  private static ApiResource core(String plural, String kind, boolean namespaced, boolean status,
      String... shortNames) {
    return of("", "v1", plural, kind, namespaced, status, shortNames);
  }

  private static ApiResource of(String group, String version, String plural, String kind,
      boolean namespaced, boolean status, String... shortNames) {
    return new ApiResource(group, version, plural, kind.toLowerCase(java.util.Locale.ROOT), kind,
        namespaced, List.of(shortNames), status, List.of());
  }
}
