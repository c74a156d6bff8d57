package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The legacy discovery documents ({@code /api}, {@code /apis}, {@code /api/v1},
 * {@code /apis/<group>/<version>}). kubectl asks for aggregated discovery first and falls back to
 * these when the answer is plain {@code application/json}.
 */
public final class Discovery {
  private Discovery() {}

  /**
   * {@code GET /api}.
   *
   * @param serverAddress host:port clients reach the server at
   * @return APIVersions
   */
  public static ObjectNode coreVersions(String serverAddress) {
    ObjectNode out = Json.object().put("kind", "APIVersions");
    out.putArray("versions").add("v1");
    out.putArray("serverAddressByClientCIDRs").addObject()
        .put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return out;
  }

  /**
   * {@code GET /apis}.
   *
   * @param catalog the catalog
   * @return APIGroupList
   */
  public static ObjectNode groupList(ResourceCatalog catalog) {
    ObjectNode out = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = out.putArray("groups");
    for (Map.Entry<String, List<String>> group : catalog.groups().entrySet()) {
      ObjectNode g = groups.addObject().put("name", group.getKey());
      ArrayNode versions = g.putArray("versions");
      for (String version : group.getValue()) {
        versions.addObject().put("groupVersion", group.getKey() + "/" + version).put("version", version);
      }
      String preferred = group.getValue().get(0);
      g.putObject("preferredVersion").put("groupVersion", group.getKey() + "/" + preferred)
          .put("version", preferred);
    }
    return out;
  }

  /**
   * {@code GET /api/v1} or {@code GET /apis/<group>/<version>}.
   *
   * @param catalog the catalog
   * @param groupVersion {@code v1} or {@code group/version}
   * @return APIResourceList, or empty if the group-version is not served
   */
  public static Optional<ObjectNode> resourceList(ResourceCatalog catalog, String groupVersion) {
    List<ApiResource> resources = catalog.byGroupVersion().get(groupVersion);
    if (resources == null) {
      return Optional.empty();
    }
    ObjectNode out = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", groupVersion);
    ArrayNode list = out.putArray("resources");
    for (ApiResource r : resources) {
      ObjectNode item = list.addObject()
          .put("name", r.plural()).put("singularName", r.singular())
          .put("namespaced", r.namespaced()).put("kind", r.kind());
      ArrayNode verbs = item.putArray("verbs");
      ApiResource.VERBS.forEach(verbs::add);
      if (!r.shortNames().isEmpty()) {
        ArrayNode shortNames = item.putArray("shortNames");
        r.shortNames().forEach(shortNames::add);
      }
      // `kubectl get all` shows the types in the "all" category.
      if (List.of("services", "pods", "deployments", "daemonsets", "statefulsets", "replicasets",
          "jobs", "cronjobs").contains(r.plural()) && !r.group().contains(".")) {
        item.putArray("categories").add("all");
      }
      if (r.statusSubresource()) {
        ObjectNode status = list.addObject().put("name", r.plural() + "/status").put("singularName", "")
            .put("namespaced", r.namespaced()).put("kind", r.kind());
        status.putArray("verbs").add("get").add("patch").add("update");
      }
    }
    return Optional.of(out);
  }
}
