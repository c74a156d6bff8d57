package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schemas of the sandbox's OpenAPI v3 documents, which {@code kubectl explain} reads.
 *
 * <p>Built-in kinds are generated from fabric8's model classes, as Jackson serializes them, so the
 * field names and types are exactly those the API uses; nothing is written by hand. fabric8's
 * classes keep no field descriptions at run time, so {@code explain} shows fields and types
 * without their prose for built-in kinds. Custom kinds take their CRD's {@code openAPIV3Schema}
 * (descriptions included), with {@code apiVersion}, {@code kind} and {@code metadata} added as the
 * API server adds them.
 */
final class OpenApiSchemas {
  private static final String REF = "#/components/schemas/";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final KubernetesSerialization KINDS = new KubernetesSerialization();
  /** Generated once per group-version: the model does not change while the sandbox runs. */
  private static final Map<String, ObjectNode> BUILT_IN = new ConcurrentHashMap<>();

  private OpenApiSchemas() {}

  /**
   * The schemas of a built-in group-version's kinds and every type they use.
   *
   * @param groupVersion {@code v1} or {@code group/version}
   * @param resources its resources
   * @return {@code components.schemas}
   */
  static ObjectNode builtIn(String groupVersion, List<ApiResource> resources) {
    return BUILT_IN.computeIfAbsent(groupVersion, gv -> generate(resources)).deepCopy();
  }

  private static ObjectNode generate(List<ApiResource> resources) {
    ObjectNode schemas = Json.object();
    for (ApiResource r : resources) {
      Class<? extends KubernetesResource> type =
          KINDS.getRegisteredKubernetesResource(r.groupVersion(), r.kind());
      if (type != null) {
        String name = define(type, schemas);
        gvk((ObjectNode) schemas.get(name), r);
      }
    }
    return schemas;
  }

  /**
   * The schemas of a custom kind, from its CRD.
   *
   * @param crd the stored CustomResourceDefinition
   * @param resource the served version
   * @return {@code components.schemas}, empty if the CRD has no schema for the version
   */
  static ObjectNode custom(JsonNode crd, ApiResource resource) {
    ObjectNode schemas = Json.object();
    for (JsonNode version : crd.path("spec").path("versions")) {
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      if (!version.path("name").asText().equals(resource.version()) || !schema.isObject()) {
        continue;
      }
      ObjectNode kind = ((ObjectNode) schema).deepCopy();
      kind.put("type", "object");
      ObjectNode properties = kind.has("properties") && kind.get("properties").isObject()
          ? (ObjectNode) kind.get("properties") : kind.putObject("properties");
      properties.putObject("apiVersion").put("type", "string")
          .put("description", "APIVersion defines the versioned schema of this representation of an object.");
      properties.putObject("kind").put("type", "string")
          .put("description", "Kind is a string value representing the REST resource this object represents.");
      properties.set("metadata", Json.object().put("$ref", REF + define(ObjectMeta.class, schemas)));
      gvk(kind, resource);
      schemas.set(customName(resource), kind);
    }
    return schemas;
  }

  private static void gvk(ObjectNode schema, ApiResource r) {
    ArrayNode list = schema.putArray("x-kubernetes-group-version-kind");
    list.addObject().put("group", r.group()).put("kind", r.kind()).put("version", r.version());
  }

  /** Adds the schema of a model class (and of every class it uses) and returns its name. */
  private static String define(Class<?> type, ObjectNode schemas) {
    String name = type.getName();
    if (schemas.has(name)) {
      return name;
    }
    ObjectNode schema = schemas.putObject(name); // before the properties: types may recurse
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
    for (BeanPropertyDefinition property : bean.findProperties()) {
      if (property.couldSerialize()) {
        properties.set(property.getName(), schemaOf(property.getPrimaryType(), schemas));
      }
    }
    return name;
  }

  private static ObjectNode schemaOf(JavaType type, ObjectNode schemas) {
    Class<?> raw = type.getRawClass();
    if (raw == String.class || raw == Character.class || raw == char.class || raw == Quantity.class) {
      return Json.object().put("type", "string");
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return Json.object().put("type", "boolean");
    }
    if (raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class) {
      return Json.object().put("type", "integer").put("format", "int32");
    }
    if (raw == Long.class || raw == long.class) {
      return Json.object().put("type", "integer").put("format", "int64");
    }
    if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class) {
      return Json.object().put("type", "number").put("format", "double");
    }
    if (raw == IntOrString.class) {
      return Json.object().put("x-kubernetes-int-or-string", true);
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      ObjectNode array = Json.object().put("type", "array");
      array.set("items", schemaOf(type.getContentType(), schemas));
      return array;
    }
    if (type.isMapLikeType()) {
      ObjectNode map = Json.object().put("type", "object");
      map.set("additionalProperties", schemaOf(type.getContentType(), schemas));
      return map;
    }
    if (raw.getName().startsWith("io.fabric8.kubernetes.api.model") && !raw.isInterface()
        && !raw.isEnum() && !java.lang.reflect.Modifier.isAbstract(raw.getModifiers())) {
      return Json.object().put("$ref", REF + define(raw, schemas));
    }
    return Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
  }

  private static String customName(ApiResource r) {
    List<String> parts = new java.util.ArrayList<>(List.of(r.group().split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + r.version() + "." + r.kind();
  }

  /**
   * The CRD a custom resource comes from.
   *
   * @param crds the stored CRDs
   * @param resource the resource
   * @return the CRD, if stored
   */
  static Optional<JsonNode> crdOf(List<JsonNode> crds, ApiResource resource) {
    return crds.stream()
        .filter(c -> c.path("spec").path("group").asText().equals(resource.group())
            && c.path("spec").path("names").path("plural").asText().equals(resource.plural()))
        .findFirst();
  }
}
