package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code regions/r/targetPools}: instances and at most one legacy HTTP health check. Nothing can be
 * updated in place; members change through {@code addInstance}/{@code removeInstance}, the health
 * check through {@code addHealthCheck}/{@code removeHealthCheck}.
 */
final class TargetPools extends Collection {
  TargetPools() {
    super("targetPools", "compute#targetPool", Scope.REGION);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    r.put("sessionAffinity", oneOf(body, "sessionAffinity", "NONE", "NONE", "CLIENT_IP", "CLIENT_IP_PROTO"));
    ArrayNode healthChecks = links(ctx, "resource.healthChecks", body.get("healthChecks"), "httpHealthChecks");
    if (healthChecks.size() > 1) {
      throw ComputeError.invalid("resource.healthChecks", "a target pool can have at most one health check");
    }
    r.set("healthChecks", healthChecks);
    ArrayNode instances = r.putArray("instances");
    instances(ctx, path, body.get("instances"), "resource.instances").forEach(instances::add);
    return r;
  }

  @Override
  List<String> references(ObjectNode resource) {
    return ComputeStore.texts(resource.get("healthChecks"));
  }

  @Override
  String quotaMetric() {
    return "TARGET_POOLS";
  }

  @Override
  Effect method(Ctx ctx, ResourcePath path, String method, ObjectNode body) {
    ObjectNode pool = ctx.store().get(path.path()).orElseThrow(() -> ComputeError.notFound(path.path()));
    return switch (method) {
      case "addInstance", "removeInstance" -> {
        List<String> given = new ArrayList<>();
        for (JsonNode i : body.path("instances")) {
          given.add(i.path("instance").asText());
        }
        if (given.isEmpty()) {
          throw ComputeError.invalid("resource.instances", "at least one instance is required");
        }
        List<String> links = method.equals("addInstance")
            ? instances(ctx, path, body.path("instances"), "resource.instances")
            : given.stream().map(g -> ResourcePath.LINK_BASE + ResourcePath.canonical(g, ctx.project())).toList();
        boolean add = method.equals("addInstance");
        yield store -> {
          Set<String> members = new LinkedHashSet<>(ComputeStore.texts(pool.get("instances")));
          if (add) {
            members.addAll(links);
          } else {
            links.forEach(members::remove);
          }
          ArrayNode out = pool.putArray("instances");
          members.forEach(out::add);
        };
      }
      case "addHealthCheck", "removeHealthCheck" -> {
        List<String> links = new ArrayList<>();
        for (JsonNode h : body.path("healthChecks")) {
          links.add(requireExisting(ctx, "resource.healthChecks", h.path("healthCheck").asText(), "httpHealthChecks"));
        }
        boolean add = method.equals("addHealthCheck");
        yield store -> {
          Set<String> checks = new LinkedHashSet<>(ComputeStore.texts(pool.get("healthChecks")));
          if (add) {
            checks.addAll(links);
          } else {
            links.forEach(checks::remove);
          }
          if (checks.size() > 1) {
            throw ComputeError.invalid("resource.healthChecks", "a target pool can have at most one health check");
          }
          ArrayNode out = pool.putArray("healthChecks");
          checks.forEach(out::add);
        };
      }
      default -> super.method(ctx, path, method, body);
    };
  }

  /** Instance references must name existing instances in the pool's region. */
  private static List<String> instances(Ctx ctx, ResourcePath pool, JsonNode refs, String field) {
    List<String> out = new ArrayList<>();
    if (refs == null) {
      return out;
    }
    int i = 0;
    for (JsonNode ref : refs) {
      String text = ref.isTextual() ? ref.asText() : ref.path("instance").asText();
      String link = requireExisting(ctx, field + "[" + i + "]", text, "instances");
      String zone = ResourcePath.parseResource(ResourcePath.canonical(link, ctx.project()))
          .flatMap(ResourcePath::zone).orElse("");
      if (!ctx.topology().regionOf(zone).equals(pool.region())) {
        throw ComputeError.invalid(field + "[" + i + "]", "instance '" + text + "' is not in region "
            + pool.region().orElse("?"));
      }
      out.add(link);
      i++;
    }
    return out;
  }
}
