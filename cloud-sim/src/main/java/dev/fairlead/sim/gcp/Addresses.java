package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * {@code regions/r/addresses}: static addresses. Reserving the address a forwarding rule already
 * uses as an ephemeral one promotes it (the rule keeps it, now {@code IN_USE}); deleting an address
 * that rules still use turns it back into their ephemeral address; a free address goes back to the
 * pool. External addresses come from 203.0.113.0/24 and 198.51.100.0/24, internal ones from the
 * region's {@code default} subnetwork (192.0.2.0/24).
 */
final class Addresses extends Collection {
  Addresses() {
    super("addresses", "compute#address", Scope.REGION);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    String type = oneOf(body, "addressType", "EXTERNAL", "EXTERNAL", "INTERNAL");
    r.put("addressType", type);
    boolean internal = type.equals("INTERNAL");
    if (internal) {
      r.put("subnetwork", requireExisting(ctx, "resource.subnetwork",
          text(body, "subnetwork", path.scope() + "/subnetworks/" + Topology.NETWORK), "subnetworks"));
      r.put("purpose", text(body, "purpose", "GCE_ENDPOINT"));
    } else {
      r.put("networkTier", oneOf(body, "networkTier", "PREMIUM", "PREMIUM", "STANDARD"));
    }
    String requested = text(body, "address", null);
    if (requested != null) {
      if (!ctx.store().inPool(requested, internal)) {
        throw ComputeError.invalid("resource.address", "'" + requested + "' is not a valid "
            + (internal ? "address of the subnetwork" : "external address of the region"));
      }
      Optional<ComputeStore.IpHolder> holder = ctx.store().ip(requested);
      if (holder.isPresent() && holder.get().address != null) {
        throw ComputeError.invalid("resource.address", "IP address '" + requested
            + "' is already reserved by '" + holder.get().address + "'");
      }
      r.put("address", requested);
    }
    r.put("status", "RESERVED");
    r.putArray("users");
    return r;
  }

  @Override
  void inserted(Ctx ctx, ResourcePath path, ObjectNode resource) {
    boolean internal = resource.path("addressType").asText().equals("INTERNAL");
    String ip = resource.path("address").asText("");
    if (ip.isEmpty()) {
      ip = ctx.store().allocate(internal);
      resource.put("address", ip);
    } else {
      ctx.store().claim(ip);
    }
    ComputeStore.IpHolder holder = ctx.store().ip(ip).orElseThrow();
    if (holder.address != null) {
      throw ComputeError.invalid("resource.address", "IP address '" + ip + "' is already reserved by '" + holder.address + "'");
    }
    holder.address = path.path();
    if (!holder.users.isEmpty()) {
      resource.put("status", "IN_USE");
      ArrayNode users = resource.putArray("users");
      holder.users.forEach(u -> users.add(ResourcePath.LINK_BASE + u));
    }
  }

  @Override
  void deleted(Ctx ctx, ResourcePath path, ObjectNode resource) {
    String ip = resource.path("address").asText();
    ctx.store().ip(ip).ifPresent(h -> h.address = null);
    ctx.store().freeIfUnused(ip);
  }

  @Override
  String quotaMetric() {
    return "STATIC_ADDRESSES";
  }

  /** Marks the address resource holding {@code ip} as used or unused after a rule changed. */
  static void refreshUsers(Ctx ctx, String ip) {
    ctx.store().ip(ip).filter(h -> h.address != null).ifPresent(h ->
        ctx.store().get(h.address).ifPresent(address -> {
          address.put("status", h.users.isEmpty() ? "RESERVED" : "IN_USE");
          ArrayNode users = address.putArray("users");
          h.users.forEach(u -> users.add(ResourcePath.LINK_BASE + u));
        }));
  }
}
