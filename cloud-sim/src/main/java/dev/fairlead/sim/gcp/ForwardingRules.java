package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code regions/r/forwardingRules}: an address, a protocol, ports and a target pool (external) or
 * a backend service (internal). Immutable except {@code allowGlobalAccess} (PATCH) and the target
 * ({@code setTarget}), as in the real API; anything else is a 400 naming the field.
 *
 * <p>The address: none given takes an ephemeral one; a reserved address of the region is used
 * (and shows the rule among its users); an unreserved external address is refused; an internal one
 * in the subnetwork is taken if free. Several rules share one address only if it is reserved.
 */
final class ForwardingRules extends Collection {
  private static final Pattern RANGE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?");

  ForwardingRules() {
    super("forwardingRules", "compute#forwardingRule", Scope.REGION);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    String scheme = oneOf(body, "loadBalancingScheme", "EXTERNAL", "EXTERNAL", "INTERNAL");
    r.put("loadBalancingScheme", scheme);
    boolean internal = scheme.equals("INTERNAL");
    r.put("IPProtocol", oneOf(body, "IPProtocol", "TCP", "TCP", "UDP", "ESP", "AH", "SCTP", "ICMP", "L3_DEFAULT"));
    boolean hasTarget = body.hasNonNull("target") && !body.get("target").asText().isEmpty();
    boolean hasBackend = body.hasNonNull("backendService") && !body.get("backendService").asText().isEmpty();
    if (hasTarget == hasBackend) {
      throw ComputeError.invalid("resource.target", "exactly one of target and backendService must be set");
    }
    if (hasTarget) {
      if (internal) {
        throw ComputeError.invalid("resource.target", "an INTERNAL forwarding rule needs a backendService");
      }
      r.put("target", requireExisting(ctx, "resource.target", body.get("target").asText(), "targetPools"));
    } else {
      r.put("backendService", requireExisting(ctx, "resource.backendService",
          body.get("backendService").asText(), "backendServices"));
    }
    ports(body, r);
    if (internal) {
      r.put("network", network(ctx, body, "resource.network"));
      r.put("subnetwork", requireExisting(ctx, "resource.subnetwork",
          text(body, "subnetwork", path.scope() + "/subnetworks/" + Topology.NETWORK), "subnetworks"));
      r.put("allowGlobalAccess", body.path("allowGlobalAccess").asBoolean(false));
    } else {
      r.put("networkTier", oneOf(body, "networkTier", "PREMIUM", "PREMIUM", "STANDARD"));
      if (body.path("allowGlobalAccess").asBoolean(false)) {
        throw ComputeError.invalid("resource.allowGlobalAccess", "only INTERNAL forwarding rules have global access");
      }
    }
    String ip = text(body, "IPAddress", null);
    if (ip != null) {
      r.put("IPAddress", resolveAddress(ctx, path, ip, internal, r));
    }
    return r;
  }

  private static void ports(JsonNode body, ObjectNode r) {
    boolean allPorts = body.path("allPorts").asBoolean(false);
    String portRange = text(body, "portRange", null);
    JsonNode ports = body.get("ports");
    int given = (allPorts ? 1 : 0) + (portRange != null ? 1 : 0) + (ports != null && !ports.isEmpty() ? 1 : 0);
    if (given > 1) {
      throw ComputeError.invalid("resource.portRange", "only one of portRange, ports and allPorts may be set");
    }
    if (allPorts) {
      r.put("allPorts", true);
    } else if (portRange != null) {
      Matcher m = RANGE.matcher(portRange);
      int low = m.matches() ? Integer.parseInt(m.group(1)) : -1;
      int high = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : low;
      if (low < 1 || high > 65535 || high < low) {
        throw ComputeError.invalid("resource.portRange", "'" + portRange + "'. Must be a port or a range such as 80-443");
      }
      r.put("portRange", low + "-" + high);
    } else if (ports != null && !ports.isEmpty()) {
      if (ports.size() > 5) {
        throw ComputeError.invalid("resource.ports", "at most 5 ports may be listed, got " + ports.size());
      }
      ArrayNode out = r.putArray("ports");
      for (JsonNode p : ports) {
        int port;
        try {
          port = Integer.parseInt(p.asText());
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 1 || port > 65535) {
          throw ComputeError.invalid("resource.ports", "'" + p.asText() + "' is not a port");
        }
        out.add(Integer.toString(port));
      }
    } else if (r.path("loadBalancingScheme").asText().equals("EXTERNAL")) {
      r.put("portRange", "1-65535");
    } else {
      throw ComputeError.invalid("resource.ports", "an INTERNAL forwarding rule needs ports or allPorts");
    }
  }

  private static String resolveAddress(Ctx ctx, ResourcePath path, String given, boolean internal, ObjectNode rule) {
    String ip = given;
    if (given.contains("/addresses/")) {
      String addressPath = ResourcePath.canonical(given, ctx.project());
      ObjectNode address = ctx.store().get(addressPath).orElseThrow(() -> ComputeError.notFound(addressPath));
      ip = address.path("address").asText();
    }
    if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw ComputeError.invalid("resource.IPAddress", "'" + given + "' is not an IP address or address reference");
    }
    Optional<ComputeStore.IpHolder> holder = ctx.store().ip(ip);
    if (holder.isPresent() && holder.get().users.contains(path.path())) {
      return ip; // an update of the rule that holds it
    }
    if (holder.isPresent() && holder.get().address != null) {
      ObjectNode address = ctx.store().get(holder.get().address).orElseThrow();
      if (!address.path("region").asText().endsWith("/regions/" + path.region().orElse(""))) {
        throw ComputeError.invalid("resource.IPAddress", "address '" + ip + "' is not in region " + path.region().orElse(""));
      }
      boolean addressInternal = address.path("addressType").asText().equals("INTERNAL");
      if (addressInternal != internal) {
        throw ComputeError.invalid("resource.IPAddress", "address '" + ip + "' is " + (addressInternal ? "INTERNAL" : "EXTERNAL")
            + " but the forwarding rule is " + rule.path("loadBalancingScheme").asText());
      }
      if (!internal && !address.path("networkTier").asText().equals(rule.path("networkTier").asText())) {
        throw ComputeError.invalid("resource.networkTier", "the rule's tier " + rule.path("networkTier").asText()
            + " differs from the tier " + address.path("networkTier").asText() + " of address '" + ip + "'");
      }
      return ip;
    }
    if (holder.isPresent()) {
      throw ComputeError.invalid("resource.IPAddress", "IP address '" + ip + "' is in use by '"
          + holder.get().users.stream().findFirst().orElse("another resource") + "'; only a reserved address can be shared");
    }
    if (!internal) {
      throw ComputeError.invalid("resource.IPAddress", "the specified IP address '" + ip
          + "' is not reserved in region " + path.region().orElse("") + "; reserve it first");
    }
    if (!ctx.store().inPool(ip, true)) {
      throw ComputeError.invalid("resource.IPAddress", "'" + ip + "' is not in the subnetwork's range " + Topology.SUBNET_RANGE);
    }
    return ip;
  }

  @Override
  void inserted(Ctx ctx, ResourcePath path, ObjectNode resource) {
    boolean internal = resource.path("loadBalancingScheme").asText().equals("INTERNAL");
    String ip = resource.path("IPAddress").asText("");
    if (ip.isEmpty()) {
      ip = ctx.store().allocate(internal);
      resource.put("IPAddress", ip);
    } else if (ctx.store().ip(ip).isEmpty()) {
      ctx.store().claim(ip);
    } else if (ctx.store().ip(ip).get().address == null && !ctx.store().ip(ip).get().users.isEmpty()) {
      throw ComputeError.invalid("resource.IPAddress", "IP address '" + ip + "' is already in use");
    }
    ctx.store().ip(ip).orElseThrow().users.add(path.path());
    Addresses.refreshUsers(ctx, ip);
  }

  @Override
  void deleted(Ctx ctx, ResourcePath path, ObjectNode resource) {
    String ip = resource.path("IPAddress").asText();
    ctx.store().ip(ip).ifPresent(h -> h.users.remove(path.path()));
    Addresses.refreshUsers(ctx, ip);
    ctx.store().freeIfUnused(ip);
  }

  @Override
  List<String> references(ObjectNode resource) {
    List<String> out = new ArrayList<>();
    if (resource.hasNonNull("target")) {
      out.add(resource.get("target").asText());
    }
    if (resource.hasNonNull("backendService")) {
      out.add(resource.get("backendService").asText());
    }
    return out;
  }

  @Override
  String quotaMetric() {
    return "FORWARDING_RULES";
  }

  @Override
  Set<String> mutableFields() {
    return Set.of("allowGlobalAccess", "name");
  }

  @Override
  Effect method(Ctx ctx, ResourcePath path, String method, ObjectNode body) {
    if (!method.equals("setTarget")) {
      return super.method(ctx, path, method, body);
    }
    ObjectNode rule = ctx.store().get(path.path()).orElseThrow(() -> ComputeError.notFound(path.path()));
    if (!rule.has("target")) {
      throw ComputeError.invalid("resource.target", "this forwarding rule has a backendService, not a target");
    }
    String target = requireExisting(ctx, "resource.target", body.path("target").asText(), "targetPools");
    return store -> rule.put("target", target);
  }
}
