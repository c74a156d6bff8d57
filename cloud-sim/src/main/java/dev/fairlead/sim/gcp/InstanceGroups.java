package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code zones/z/instanceGroups}: unmanaged groups of instances of the same zone. Members change
 * through {@code addInstances}/{@code removeInstances}; {@code listInstances} (a POST) pages them.
 */
final class InstanceGroups extends Collection {
  /** Where the members are kept in the stored resource; never shown to clients. */
  static final String MEMBERS = "_members";

  InstanceGroups() {
    super("instanceGroups", "compute#instanceGroup", Scope.ZONE);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    r.put("network", network(ctx, body, "resource.network"));
    if (body.has("namedPorts")) {
      r.set("namedPorts", body.get("namedPorts").deepCopy());
    }
    r.put("size", 0);
    r.putArray(MEMBERS);
    return r;
  }

  @Override
  String quotaMetric() {
    return "INSTANCE_GROUPS";
  }

  @Override
  boolean isRead(String method) {
    return method.equals("listInstances");
  }

  @Override
  ObjectNode read(Ctx ctx, ResourcePath path, String method, ObjectNode body) {
    if (!method.equals("listInstances")) {
      return super.read(ctx, path, method, body);
    }
    ObjectNode group = ctx.store().get(path.path()).orElseThrow(() -> ComputeError.notFound(path.path()));
    List<ObjectNode> members = new ArrayList<>();
    for (JsonNode m : group.path(MEMBERS)) {
      ObjectNode item = JSON.createObjectNode();
      item.put("instance", m.asText());
      item.put("status", "RUNNING");
      members.add(item);
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", "compute#instanceGroupsListInstances");
    out.put("id", path.path() + "/listInstances");
    ArrayNode items = out.putArray("items");
    members.forEach(items::add);
    return out;
  }

  @Override
  Effect method(Ctx ctx, ResourcePath path, String method, ObjectNode body) {
    ObjectNode group = ctx.store().get(path.path()).orElseThrow(() -> ComputeError.notFound(path.path()));
    return switch (method) {
      case "addInstances", "removeInstances" -> {
        boolean add = method.equals("addInstances");
        List<String> links = new ArrayList<>();
        int i = 0;
        for (JsonNode ref : body.path("instances")) {
          String given = ref.path("instance").asText();
          String link = add ? requireExisting(ctx, "instances[" + i + "].instance", given, "instances")
              : ResourcePath.LINK_BASE + ResourcePath.canonical(given, ctx.project());
          String zone = ResourcePath.parseResource(ResourcePath.canonical(link, ctx.project()))
              .flatMap(ResourcePath::zone).orElse("");
          if (add && !path.zone().orElse("").equals(zone)) {
            throw ComputeError.invalid("instances[" + i + "].instance",
                "instance '" + given + "' is not in zone " + path.zone().orElse(""));
          }
          links.add(link);
          i++;
        }
        if (links.isEmpty()) {
          throw ComputeError.invalid("instances", "at least one instance is required");
        }
        yield store -> {
          Set<String> members = new LinkedHashSet<>(ComputeStore.texts(group.get(MEMBERS)));
          if (add) {
            members.addAll(links);
          } else {
            links.forEach(members::remove);
          }
          ArrayNode out = group.putArray(MEMBERS);
          members.forEach(out::add);
          group.put("size", members.size());
        };
      }
      case "setNamedPorts" -> {
        JsonNode ports = body.path("namedPorts").deepCopy();
        yield store -> group.set("namedPorts", ports);
      }
      default -> super.method(ctx, path, method, body);
    };
  }
}
