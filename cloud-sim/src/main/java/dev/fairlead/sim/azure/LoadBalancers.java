package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code Microsoft.Network/loadBalancers}: frontends on a public IP or a subnet (private addresses
 * allocated or checked), IP-based backend pools, probes and load-balancing rules whose references
 * must resolve inside the same load balancer, the frontend and rule quotas, and the back
 * references Azure maintains (a frontend lists its rules; a public IP names the frontend using it).
 */
final class LoadBalancers implements ResourceKind {

  @Override
  public String type() {
    return "loadBalancers";
  }

  @Override
  public List<String> children() {
    return List.of("frontendIPConfigurations", "backendAddressPools", "loadBalancingRules", "probes",
        "inboundNatRules", "outboundRules");
  }

  @Override
  public void prepare(ArmStore store, ResourceId id, ObjectNode body, ObjectNode existing) {
    ObjectNode sku = body.has("sku") && body.get("sku").isObject() ? (ObjectNode) body.get("sku") : body.putObject("sku");
    String skuName = ResourceKind.canonical(sku.has("name") ? sku.get("name").asText() : "Basic", "sku.name",
        id.id(), "Basic", "Standard", "Gateway");
    sku.put("name", skuName);
    sku.put("tier", sku.has("tier") ? sku.get("tier").asText() : "Regional");
    ObjectNode props = ResourceKind.properties(body);
    ArrayNode frontends = ResourceKind.array(props, "frontendIPConfigurations");
    ArrayNode pools = ResourceKind.array(props, "backendAddressPools");
    ArrayNode rules = ResourceKind.array(props, "loadBalancingRules");
    ArrayNode probes = ResourceKind.array(props, "probes");
    ResourceKind.array(props, "inboundNatRules");
    ResourceKind.array(props, "outboundRules");
    ResourceKind.array(props, "inboundNatPools");

    if (frontends.size() > store.limits.frontendsPerLoadBalancer()) {
      throw ArmError.badRequest("LoadBalancerFrontendIPConfigurationCountLimitReached", skuName
          + " sku load balancer " + id + " cannot have more than " + store.limits.frontendsPerLoadBalancer()
          + " FrontendIPConfigurations.");
    }
    if (rules.size() > store.limits.rulesPerLoadBalancer()) {
      throw ArmError.badRequest("LoadBalancerRuleCountLimitReached", "Load balancer " + id
          + " cannot have more than " + store.limits.rulesPerLoadBalancer() + " load balancing rules.");
    }
    Map<String, String> pipUsers = new HashMap<>();
    for (JsonNode node : frontends) {
      prepareFrontend(store, id, (ObjectNode) node, existing, pipUsers);
    }
    for (JsonNode node : pools) {
      ObjectNode pp = ResourceKind.properties((ObjectNode) node);
      pp.remove("loadBalancingRules");
      pp.remove("backendIPConfigurations");
      for (JsonNode address : ResourceKind.array(pp, "loadBalancerBackendAddresses")) {
        ObjectNode ap = ResourceKind.properties((ObjectNode) address);
        String ip = ResourceKind.text(ap, "ipAddress");
        String vnet = ResourceKind.refId(ap, "virtualNetwork");
        if (ip == null || vnet == null) {
          throw ArmError.badRequest("LoadBalancerBackendAddressMissingIpOrVnet", "Backend address "
              + ResourceKind.text(address, "name") + " of " + node.get("id").asText()
              + " must have both an ipAddress and a virtualNetwork.");
        }
        if (store.find(vnet) == null) {
          throw ArmError.invalidReference(vnet, node.get("id").asText());
        }
      }
    }
    for (JsonNode node : probes) {
      ObjectNode probe = (ObjectNode) node;
      ObjectNode pp = ResourceKind.properties(probe);
      String probeId = probe.get("id").asText();
      String protocol = ResourceKind.required(pp, "protocol", probeId, "Tcp", "Http", "Https");
      pp.put("port", ResourceKind.integer(pp, "port", -1, 1, 65535, probeId));
      pp.put("intervalInSeconds", ResourceKind.integer(pp, "intervalInSeconds", 15, 5, 2147483646, probeId));
      pp.put("numberOfProbes", ResourceKind.integer(pp, "numberOfProbes", 2, 1, 2147483646, probeId));
      if (!protocol.equals("Tcp") && ResourceKind.text(pp, "requestPath") == null) {
        throw ArmError.badRequest("ProbeRequestPathRequired", "Probe " + probeId + " of protocol " + protocol
            + " must have a requestPath.");
      }
      if (protocol.equals("Tcp")) {
        pp.remove("requestPath");
      }
      pp.remove("loadBalancingRules");
    }
    Map<String, ArrayNode> usedBy = new LinkedHashMap<>();
    Set<String> frontendPorts = new HashSet<>();
    for (JsonNode node : rules) {
      ObjectNode rule = (ObjectNode) node;
      ObjectNode rp = ResourceKind.properties(rule);
      String ruleId = rule.get("id").asText();
      String protocol = ResourceKind.required(rp, "protocol", ruleId, "Tcp", "Udp", "All");
      int frontendPort = ResourceKind.integer(rp, "frontendPort", -1, 0, 65534, ruleId);
      rp.put("frontendPort", frontendPort);
      rp.put("backendPort", ResourceKind.integer(rp, "backendPort", frontendPort, 0, 65535, ruleId));
      rp.put("idleTimeoutInMinutes", ResourceKind.integer(rp, "idleTimeoutInMinutes", 4, 4, 100, ruleId));
      rp.put("enableFloatingIP", rp.path("enableFloatingIP").asBoolean(false));
      rp.put("enableTcpReset", rp.path("enableTcpReset").asBoolean(false));
      rp.put("loadDistribution", rp.has("loadDistribution") ? rp.get("loadDistribution").asText() : "Default");
      rp.put("disableOutboundSnat", rp.path("disableOutboundSnat").asBoolean(false));
      String frontend = requireLocal(body, rp, "frontendIPConfiguration", "frontendIPConfigurations", ruleId, true);
      String pool = requireLocal(body, rp, "backendAddressPool", "backendAddressPools", ruleId, false);
      String probe = requireLocal(body, rp, "probe", "probes", ruleId, false);
      if (!frontendPorts.add(frontend.toLowerCase(Locale.ROOT) + "|" + protocol + "|" + frontendPort)) {
        throw ArmError.badRequest("LoadBalancingRuleFrontendPortConflict", "Load balancing rule " + ruleId
            + " uses the same frontend IP configuration, protocol and port (" + protocol + "/" + frontendPort
            + ") as another rule of " + id + ".");
      }
      if (pool != null) {
        rp.putArray("backendAddressPools").add(ResourceKind.ref(pool));
      }
      for (String target : new String[] {frontend, pool, probe}) {
        if (target != null) {
          usedBy.computeIfAbsent(target.toLowerCase(Locale.ROOT), k -> com.fasterxml.jackson.databind.node
              .JsonNodeFactory.instance.arrayNode()).add(ResourceKind.ref(ruleId));
        }
      }
    }
    for (String collection : List.of("frontendIPConfigurations", "backendAddressPools", "probes")) {
      for (JsonNode node : ResourceKind.array(props, collection)) {
        ArrayNode users = usedBy.get(node.get("id").asText().toLowerCase(Locale.ROOT));
        if (users != null) {
          ResourceKind.properties((ObjectNode) node).set("loadBalancingRules", users);
        } else {
          ResourceKind.properties((ObjectNode) node).remove("loadBalancingRules");
        }
      }
    }
  }

  private void prepareFrontend(ArmStore store, ResourceId lb, ObjectNode frontend, ObjectNode existing,
      Map<String, String> pipUsers) {
    ObjectNode fp = ResourceKind.properties(frontend);
    String frontendId = frontend.get("id").asText();
    String pip = ResourceKind.refId(fp, "publicIPAddress");
    String subnet = ResourceKind.refId(fp, "subnet");
    fp.remove("loadBalancingRules");
    if (pip == null && subnet == null) {
      throw ArmError.badRequest("FrontendIPConfigHasNoSubnetOrPublicIP", "Frontend IP Configuration "
          + frontendId + " must reference either a Subnet or a Public IP Address.");
    }
    if (pip != null && subnet != null) {
      throw ArmError.badRequest("FrontendIPConfigHasBothSubnetAndPublicIP", "Frontend IP Configuration "
          + frontendId + " must not reference both a Subnet and a Public IP Address.");
    }
    if (pip != null) {
      fp.remove("privateIPAddress");
      fp.remove("privateIPAllocationMethod");
      ObjectNode address = store.find(pip);
      if (address == null || !address.get("type").asText().endsWith("/publicIPAddresses")) {
        throw ArmError.invalidReference(pip, frontendId);
      }
      String state = ResourceKind.properties(address).path("provisioningState").asText();
      if (!state.equals("Succeeded")) {
        throw ArmError.notProvisioned(address.get("id").asText(), lb.id(), state);
      }
      String user = ResourceKind.refId(ResourceKind.properties(address), "ipConfiguration");
      String other = pipUsers.put(address.get("id").asText().toLowerCase(Locale.ROOT), frontendId);
      if (other != null || (user != null && !ResourceKind.sameId(user, frontendId))) {
        throw ArmError.badRequest("PublicIPReferencedByMultipleIPConfigs", "Public ip address "
            + address.get("id").asText() + " is referenced by multiple ipconfigs in resource "
            + (other != null ? other : user) + " and " + frontendId + ".");
      }
      fp.set("publicIPAddress", ResourceKind.ref(address.get("id").asText()));
      return;
    }
    ObjectNode sub = store.find(subnet);
    if (sub == null || !sub.get("type").asText().endsWith("/subnets")) {
      throw ArmError.invalidReference(subnet, frontendId);
    }
    fp.set("subnet", ResourceKind.ref(sub.get("id").asText()));
    String method = ResourceKind.canonical(
        fp.has("privateIPAllocationMethod") ? fp.get("privateIPAllocationMethod").asText() : "Dynamic",
        "privateIPAllocationMethod", frontendId, "Static", "Dynamic");
    fp.put("privateIPAllocationMethod", method);
    fp.put("privateIPAddressVersion", "IPv4");
    long[] range = VirtualNetworks.parse(ResourceKind.properties(sub).path("addressPrefix").asText(), subnet);
    Set<Long> taken = privateAddressesInUse(store, frontendId);
    if (method.equals("Static")) {
      String requested = ResourceKind.text(fp, "privateIPAddress");
      long value;
      try {
        value = VirtualNetworks.toLong(requested);
      } catch (RuntimeException e) {
        throw ArmError.badRequest("PrivateIPAddressInvalid", "Private static IP address " + requested
            + " of " + frontendId + " is not a valid IPv4 address.");
      }
      if (value < range[0] + 4 || value > range[1] - 1) {
        throw ArmError.badRequest("PrivateIPAddressNotInSubnet", "IP configuration " + frontendId
            + " is using the private IP address " + requested + " which is not in subnet " + sub.get("id").asText()
            + ".");
      }
      if (taken.contains(value)) {
        throw ArmError.badRequest("PrivateIPAddressInUse", "IP configuration " + frontendId
            + " is using the private IP address " + requested + " which is already allocated to another resource.");
      }
      return;
    }
    ObjectNode before = existing == null ? null
        : ArmStore.findChild(existing, "frontendIPConfigurations", frontend.get("name").asText());
    String kept = before == null ? null : ResourceKind.text(ResourceKind.properties(before), "privateIPAddress");
    if (kept != null && ResourceKind.sameId(ResourceKind.refId(ResourceKind.properties(before), "subnet"), subnet)) {
      fp.put("privateIPAddress", kept);
      return;
    }
    // Azure keeps the first four and the last address of a subnet for itself.
    for (long candidate = range[1] - 1; candidate >= range[0] + 4; candidate--) {
      if (!taken.contains(candidate)) {
        fp.put("privateIPAddress", VirtualNetworks.fromLong(candidate));
        return;
      }
    }
    throw ArmError.badRequest("SubnetIsFull", "Subnet " + sub.get("id").asText()
        + " has no free address for " + frontendId + ".");
  }

  private static Set<Long> privateAddressesInUse(ArmStore store, String except) {
    Set<Long> used = new HashSet<>();
    for (ObjectNode lb : store.all("loadBalancers")) {
      for (JsonNode f : ResourceKind.array(ResourceKind.properties(lb), "frontendIPConfigurations")) {
        String address = ResourceKind.text(f.get("properties"), "privateIPAddress");
        if (address != null && !ResourceKind.sameId(f.get("id").asText(), except)) {
          used.add(VirtualNetworks.toLong(address));
        }
      }
    }
    return used;
  }

  private static String requireLocal(ObjectNode lb, ObjectNode rp, String field, String collection,
      String ruleId, boolean required) {
    String ref = ResourceKind.refId(rp, field);
    if (ref == null) {
      if (required) {
        throw ArmError.badRequest("InvalidRequestFormat", "Cannot parse the request. Rule " + ruleId
            + " must reference a " + field + ".");
      }
      return null;
    }
    String prefix = lb.get("id").asText() + "/" + collection + "/";
    if (ref.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))) {
      String name = ref.substring(prefix.length());
      ObjectNode target = ArmStore.findChild(lb, collection, name);
      if (target != null) {
        rp.set(field, ResourceKind.ref(target.get("id").asText()));
        return target.get("id").asText();
      }
    }
    throw ArmError.invalidReference(ref, ruleId);
  }

  @Override
  public void afterWrite(ArmStore store, ObjectNode stored, ObjectNode previous) {
    Map<String, String> now = users(stored, "publicIPAddress");
    Map<String, String> before = previous == null ? Map.of() : users(previous, "publicIPAddress");
    for (var e : before.entrySet()) {
      if (!now.containsKey(e.getKey())) {
        ObjectNode pip = store.find(e.getKey());
        if (pip != null && ResourceKind.sameId(
            ResourceKind.refId(ResourceKind.properties(pip), "ipConfiguration"), e.getValue())) {
          ResourceKind.properties(pip).remove("ipConfiguration");
          store.touch(pip);
        }
      }
    }
    for (var e : now.entrySet()) {
      ObjectNode pip = store.find(e.getKey());
      if (pip != null && !ResourceKind.sameId(
          ResourceKind.refId(ResourceKind.properties(pip), "ipConfiguration"), e.getValue())) {
        ResourceKind.properties(pip).set("ipConfiguration", ResourceKind.ref(e.getValue()));
        store.touch(pip);
      }
    }
    Map<String, String> subnetsNow = users(stored, "subnet");
    Map<String, String> subnetsBefore = previous == null ? Map.of() : users(previous, "subnet");
    subnetsBefore.forEach((frontend, subnet) -> VirtualNetworks.markUse(store, subnet, frontend, false));
    subnetsNow.forEach((frontend, subnet) -> VirtualNetworks.markUse(store, subnet, frontend, true));
  }

  @Override
  public void afterDelete(ArmStore store, ObjectNode removed) {
    users(removed, "publicIPAddress").forEach((pipId, frontend) -> {
      ObjectNode pip = store.find(pipId);
      if (pip != null) {
        ResourceKind.properties(pip).remove("ipConfiguration");
        store.touch(pip);
      }
    });
    users(removed, "subnet").forEach((frontend, subnet) -> VirtualNetworks.markUse(store, subnet, frontend, false));
  }

  /**
   * The references of the frontends: public IP id to frontend id, or frontend id to subnet id.
   */
  private static Map<String, String> users(ObjectNode lb, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode f : ResourceKind.array(ResourceKind.properties(lb), "frontendIPConfigurations")) {
      String target = ResourceKind.refId(f.get("properties"), field);
      if (target != null) {
        if (field.equals("subnet")) {
          out.put(f.get("id").asText(), target);
        } else {
          out.put(target, f.get("id").asText());
        }
      }
    }
    return out;
  }
}
