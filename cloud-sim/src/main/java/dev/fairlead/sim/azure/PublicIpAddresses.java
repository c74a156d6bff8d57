package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code Microsoft.Network/publicIPAddresses}: static addresses handed out from the documentation
 * ranges (198.51.100.0/24, then 203.0.113.0/24; IPv6 from 2001:db8:ffff::/64), DNS labels unique per
 * region, the per-region count quota, and the back reference to the frontend that uses the address,
 * which makes a delete fail with {@code PublicIPAddressCannotBeDeleted} while it is in use.
 */
final class PublicIpAddresses implements ResourceKind {
  private static final String LABEL = "^[a-z][a-z0-9-]{1,61}[a-z0-9]$";
  private static final List<String> V4_RANGES = List.of("198.51.100.", "203.0.113.");
  private int cursor;

  @Override
  public String type() {
    return "publicIPAddresses";
  }

  @Override
  public List<String> children() {
    return List.of();
  }

  @Override
  public void prepare(ArmStore store, ResourceId id, ObjectNode body, ObjectNode existing) {
    ObjectNode props = ResourceKind.properties(body);
    ObjectNode sku = body.has("sku") && body.get("sku").isObject() ? (ObjectNode) body.get("sku") : body.putObject("sku");
    String skuName = ResourceKind.canonical(
        sku.has("name") ? sku.get("name").asText() : "Basic", "sku.name", id.id(), "Basic", "Standard");
    sku.put("name", skuName);
    sku.put("tier", ResourceKind.canonical(
        sku.has("tier") ? sku.get("tier").asText() : "Regional", "sku.tier", id.id(), "Regional", "Global"));
    String method = ResourceKind.canonical(
        props.has("publicIPAllocationMethod") ? props.get("publicIPAllocationMethod").asText()
            : skuName.equals("Standard") ? "Static" : "Dynamic",
        "publicIPAllocationMethod", id.id(), "Static", "Dynamic");
    if (skuName.equals("Standard") && method.equals("Dynamic")) {
      throw ArmError.badRequest("StandardSkuPublicIPAddressesMustBeStatic",
          "Standard sku publicIp " + id + " must have AllocationMethod set to Static.");
    }
    props.put("publicIPAllocationMethod", method);
    String version = ResourceKind.canonical(
        props.has("publicIPAddressVersion") ? props.get("publicIPAddressVersion").asText() : "IPv4",
        "publicIPAddressVersion", id.id(), "IPv4", "IPv6");
    props.put("publicIPAddressVersion", version);
    props.put("idleTimeoutInMinutes", ResourceKind.integer(props, "idleTimeoutInMinutes", 4, 4, 30, id.id()));
    if (!props.has("ipTags")) {
      props.putArray("ipTags");
    }
    String location = body.get("location").asText();
    if (existing == null) {
      long inRegion = store.all(type()).stream()
          .filter(p -> p.get("location").asText().equalsIgnoreCase(location)
              && p.get("id").asText().split("/")[2].equalsIgnoreCase(id.subscription()))
          .count();
      if (inRegion >= store.limits.publicIpsPerRegion()) {
        throw ArmError.badRequest("PublicIPCountLimitReached", "Cannot create more than "
            + store.limits.publicIpsPerRegion() + " public IP addresses for this subscription in this region.");
      }
    }
    JsonNode dns = props.get("dnsSettings");
    if (dns != null && dns.isObject() && ResourceKind.text(dns, "domainNameLabel") != null) {
      String label = dns.get("domainNameLabel").asText();
      if (!label.matches(LABEL)) {
        throw ArmError.badRequest("InvalidDomainNameLabel", "The domain name label " + label
            + " is invalid. It must conform to the following regular expression: " + LABEL + ".");
      }
      String fqdn = label + "." + location.toLowerCase(java.util.Locale.ROOT) + ".cloudapp.azure.com";
      for (ObjectNode other : store.all(type())) {
        if (!ResourceKind.sameId(other.get("id").asText(), id.id())
            && fqdn.equals(ResourceKind.text(ResourceKind.properties(other).get("dnsSettings"), "fqdn"))) {
          throw ArmError.badRequest("DnsRecordInUse",
              "DNS record " + fqdn + " is already used by another public IP.");
        }
      }
      ((ObjectNode) dns).put("fqdn", fqdn);
    } else {
      props.remove("dnsSettings");
    }
    // Read-only: the address and who uses it come from the simulator, never from the client.
    props.remove("ipAddress");
    props.remove("ipConfiguration");
    if (existing != null) {
      ObjectNode before = ResourceKind.properties(existing);
      if (before.has("ipAddress")) {
        props.put("ipAddress", before.get("ipAddress").asText());
      }
      if (before.has("ipConfiguration")) {
        props.set("ipConfiguration", before.get("ipConfiguration").deepCopy());
      }
    }
    if (!props.has("ipAddress") && method.equals("Static")) {
      props.put("ipAddress", allocate(store, version));
    }
  }

  @Override
  public void beforeDelete(ArmStore store, ObjectNode existing) {
    String user = ResourceKind.refId(ResourceKind.properties(existing), "ipConfiguration");
    if (user != null) {
      throw ArmError.badRequest("PublicIPAddressCannotBeDeleted", "Public IP address "
          + existing.get("id").asText() + " can not be deleted since it is still allocated to resource " + user
          + ". In order to delete the public IP, disassociate/detach the Public IP address from the resource."
          + "  To learn how to do this, see aka.ms/deletepublicip.");
    }
  }

  private String allocate(ArmStore store, String version) {
    Set<String> used = new HashSet<>();
    for (ObjectNode pip : store.all(type())) {
      String address = ResourceKind.text(ResourceKind.properties(pip), "ipAddress");
      if (address != null) {
        used.add(address);
      }
    }
    if (version.equals("IPv6")) {
      for (int i = 1; i < 65536; i++) {
        String candidate = "2001:db8:ffff::" + Integer.toHexString(i);
        if (!used.contains(candidate)) {
          return candidate;
        }
      }
    } else {
      int total = V4_RANGES.size() * 254;
      for (int n = 0; n < total; n++) {
        int slot = (cursor + n) % total;
        String candidate = V4_RANGES.get(slot / 254) + (slot % 254 + 1);
        if (!used.contains(candidate)) {
          cursor = slot + 1; // round robin: a released address is not handed out again at once
          return candidate;
        }
      }
    }
    throw ArmError.badRequest("PublicIPCountLimitReached",
        "Cannot create more public IP addresses: the simulator's address ranges are exhausted.");
  }
}
