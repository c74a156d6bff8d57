package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 documents kubectl reads: per group-version, the PATCH operations that tell kubectl
 * the server accepts {@code fieldValidation} (then it validates on the server), and the schemas
 * {@code kubectl explain} shows ({@link OpenApiSchemas}). The PATCH operations deliberately do not
 * list the strategic-merge content type, so kubectl computes strategic merge patches from its
 * compiled-in types (with their merge keys) rather than from these schemas.
 */
public final class OpenApiV3 {
  private OpenApiV3() {}

  /**
   * {@code GET /openapi/v3}: the built-in group-versions and where their documents are.
   *
   * @param catalog the catalog
   * @return the root document
   */
  public static ObjectNode root(ResourceCatalog catalog, List<JsonNode> crds) {
    ObjectNode out = Json.object();
    ObjectNode paths = out.putObject("paths");
    for (Map.Entry<String, List<ApiResource>> gv : catalog.byGroupVersion().entrySet()) {
      String path = gv.getValue().get(0).prefix().substring(1);
      String hash = hash(Json.write(groupVersion(catalog, crds, gv.getKey()).orElseThrow()));
      paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash);
    }
    return out;
  }

  /**
   * {@code GET /openapi/v3/api/v1} or {@code /openapi/v3/apis/<group>/<version>}.
   *
   * @param catalog the catalog
   * @param crds the stored CRDs (the schemas of custom kinds)
   * @param groupVersion {@code v1} or {@code group/version}
   * @return the document, if the group-version is served
   */
  public static Optional<ObjectNode> groupVersion(ResourceCatalog catalog, List<JsonNode> crds,
      String groupVersion) {
    List<ApiResource> resources = catalog.byGroupVersion().get(groupVersion);
    if (resources == null) {
      return Optional.empty();
    }
    ObjectNode out = Json.object().put("openapi", "3.0.0");
    out.putObject("info").put("title", "Kubernetes (fairlead sandbox)").put("version", "v1.32.0");
    ObjectNode paths = out.putObject("paths");
    for (ApiResource r : resources) {
      String path = r.prefix() + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch.put("operationId", "patch" + r.kind());
      patch.putObject("x-kubernetes-group-version-kind")
          .put("group", r.group()).put("version", r.version()).put("kind", r.kind());
      ArrayNode parameters = patch.putArray("parameters");
      for (String query : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
        parameters.addObject().put("name", query).put("in", "query")
            .putObject("schema").put("type", "string");
      }
      ObjectNode content = patch.putObject("requestBody").putObject("content");
      for (String type : List.of("application/json-patch+json", "application/merge-patch+json",
          "application/apply-patch+yaml")) {
        content.putObject(type).putObject("schema").put("type", "object");
      }
      patch.putObject("responses").putObject("200").put("description", "OK");
    }
    ObjectNode schemas = out.putObject("components").putObject("schemas");
    if (ResourceCatalog.isBuiltIn(groupVersion)) {
      schemas.setAll(OpenApiSchemas.builtIn(groupVersion, resources));
    } else {
      for (ApiResource r : resources) {
        OpenApiSchemas.crdOf(crds, r).ifPresent(crd -> schemas.setAll(OpenApiSchemas.custom(crd, r)));
      }
    }
    return Optional.of(out);
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16).toUpperCase(java.util.Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
