package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code regions/r/backendServices}: instance-group backends and health checks; updated in place
 * with PUT or PATCH, which must carry the current {@code fingerprint} (a stale one is a 412).
 */
final class BackendServices extends Collection {
  BackendServices() {
    super("backendServices", "compute#backendService", Scope.REGION);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    r.put("loadBalancingScheme", oneOf(body, "loadBalancingScheme", "INTERNAL", "INTERNAL", "EXTERNAL"));
    r.put("protocol", oneOf(body, "protocol", "TCP", "TCP", "UDP", "UNSPECIFIED"));
    r.put("sessionAffinity", oneOf(body, "sessionAffinity", "NONE", "NONE", "CLIENT_IP", "CLIENT_IP_PROTO",
        "CLIENT_IP_PORT_PROTO"));
    ArrayNode backends = r.putArray("backends");
    int i = 0;
    for (JsonNode b : body.path("backends")) {
      ObjectNode out = backends.addObject();
      out.put("group", requireExisting(ctx, "resource.backends[" + i + "].group", b.path("group").asText(), "instanceGroups"));
      out.put("balancingMode", text(b, "balancingMode", "CONNECTION"));
      i++;
    }
    r.set("healthChecks", links(ctx, "resource.healthChecks", body.get("healthChecks"), "healthChecks"));
    if (r.path("healthChecks").isEmpty()) {
      throw ComputeError.invalid("resource.healthChecks", "a backend service needs a health check");
    }
    if (body.has("connectionDraining")) {
      r.set("connectionDraining", body.get("connectionDraining").deepCopy());
    }
    r.put("fingerprint", java.util.Base64.getEncoder().encodeToString(ctx.store().newId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return r;
  }

  @Override
  List<String> references(ObjectNode resource) {
    List<String> out = new ArrayList<>(ComputeStore.texts(resource.get("healthChecks")));
    resource.path("backends").forEach(b -> out.add(b.path("group").asText()));
    return out;
  }

  @Override
  String quotaMetric() {
    return "BACKEND_SERVICES";
  }

  @Override
  Set<String> mutableFields() {
    return Set.of("name", "description", "backends", "healthChecks", "sessionAffinity", "protocol",
        "connectionDraining", "loadBalancingScheme", "fingerprint");
  }
}
