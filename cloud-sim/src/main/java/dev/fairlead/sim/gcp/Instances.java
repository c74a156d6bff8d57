package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code zones/z/instances}: virtual machines reduced to what load balancing needs: a name, a
 * network interface with an internal address from the subnetwork, network tags, {@code RUNNING}.
 */
final class Instances extends Collection {
  Instances() {
    super("instances", "compute#instance", Scope.ZONE);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    r.put("machineType", ResourcePath.LINK_BASE + ResourcePath.canonical(
        text(body, "machineType", path.scope() + "/machineTypes/e2-medium"), ctx.project()));
    r.put("status", "RUNNING");
    ObjectNode tags = r.putObject("tags");
    ArrayNode items = tags.putArray("items");
    for (JsonNode t : body.path("tags").path("items")) {
      items.add(t.asText());
    }
    tags.put("fingerprint", "42WmSpB8rSM=");
    ArrayNode nics = r.putArray("networkInterfaces");
    ObjectNode nic = nics.addObject();
    JsonNode given = body.path("networkInterfaces").path(0);
    String region = ctx.topology().regionOf(path.zone().orElse("")).orElse("");
    nic.put("name", "nic0");
    nic.put("network", requireExisting(ctx, "resource.networkInterfaces[0].network",
        text(given, "network", "global/networks/" + Topology.NETWORK), "networks"));
    nic.put("subnetwork", requireExisting(ctx, "resource.networkInterfaces[0].subnetwork",
        text(given, "subnetwork", "regions/" + region + "/subnetworks/" + Topology.NETWORK), "subnetworks"));
    String ip = text(given, "networkIP", null);
    if (ip != null) {
      if (!ctx.store().inPool(ip, true) || ctx.store().ip(ip).isPresent()) {
        throw ComputeError.invalid("resource.networkInterfaces[0].networkIP", "'" + ip + "' is not free in the subnetwork");
      }
      nic.put("networkIP", ip);
    }
    if (body.has("labels")) {
      r.set("labels", body.get("labels").deepCopy());
    }
    return r;
  }

  @Override
  void inserted(Ctx ctx, ResourcePath path, ObjectNode resource) {
    ObjectNode nic = (ObjectNode) resource.path("networkInterfaces").get(0);
    String ip = nic.path("networkIP").asText("");
    if (ip.isEmpty()) {
      nic.put("networkIP", ctx.store().allocate(true));
    } else if (!ctx.store().claim(ip)) {
      throw ComputeError.invalid("resource.networkInterfaces[0].networkIP", "'" + ip + "' is in use");
    }
  }

  @Override
  void deleted(Ctx ctx, ResourcePath path, ObjectNode resource) {
    String ip = resource.path("networkInterfaces").path(0).path("networkIP").asText();
    ctx.store().freeIfUnused(ip);
  }

  @Override
  String quotaMetric() {
    return "INSTANCES";
  }
}
