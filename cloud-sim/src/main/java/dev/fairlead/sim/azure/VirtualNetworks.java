package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.util.List;

/**
 * {@code Microsoft.Network/virtualNetworks} with {@code subnets}: IPv4 address spaces, subnets
 * inside them, and the frontends that use a subnet (a subnet in use cannot be deleted).
 */
final class VirtualNetworks implements ResourceKind {

  @Override
  public String type() {
    return "virtualNetworks";
  }

  @Override
  public List<String> children() {
    return List.of("subnets");
  }

  @Override
  public void prepare(ArmStore store, ResourceId id, ObjectNode body, ObjectNode existing) {
    ObjectNode props = ResourceKind.properties(body);
    JsonNode space = props.path("addressSpace").path("addressPrefixes");
    if (!space.isArray() || space.isEmpty()) {
      throw ArmError.badRequest("InvalidAddressSpace",
          "Virtual network " + id + " must have an address space (addressSpace.addressPrefixes).");
    }
    for (JsonNode prefix : space) {
      parse(prefix.asText(), id.id());
    }
    for (JsonNode node : ResourceKind.array(props, "subnets")) {
      ObjectNode subnet = (ObjectNode) node;
      ObjectNode sp = ResourceKind.properties(subnet);
      String prefix = ResourceKind.text(sp, "addressPrefix");
      if (prefix == null) {
        throw ArmError.badRequest("InvalidRequestFormat",
            "Cannot parse the request. Subnet " + subnet.get("id").asText() + " needs an addressPrefix.");
      }
      long[] range = parse(prefix, subnet.get("id").asText());
      boolean inside = false;
      for (JsonNode s : space) {
        long[] outer = parse(s.asText(), id.id());
        inside |= range[0] >= outer[0] && range[1] <= outer[1];
      }
      if (!inside) {
        throw ArmError.badRequest("NetcfgSubnetRangeOutsideVnet", "Subnet '" + subnet.get("name").asText()
            + "' is not valid because its IP address range is outside the IP address range of virtual network '"
            + id.name() + "'.");
      }
      String nsg = ResourceKind.refId(sp, "networkSecurityGroup");
      if (nsg != null && store.find(nsg) == null) {
        throw ArmError.invalidReference(nsg, subnet.get("id").asText());
      }
      // Read-only: who uses the subnet is the simulator's record, never the client's.
      sp.remove("ipConfigurations");
      ObjectNode before = existing == null ? null
          : ArmStore.findChild(existing, "subnets", subnet.get("name").asText());
      if (before != null && ResourceKind.properties(before).has("ipConfigurations")) {
        sp.set("ipConfigurations", ResourceKind.properties(before).get("ipConfigurations").deepCopy());
      }
    }
    if (existing != null) {
      for (JsonNode old : ResourceKind.array(ResourceKind.properties(existing), "subnets")) {
        if (ArmStore.findChild(body, "subnets", old.get("name").asText()) == null) {
          beforeDelete(store, (ObjectNode) old);
        }
      }
    }
  }

  @Override
  public void beforeDelete(ArmStore store, ObjectNode existing) {
    JsonNode props = existing.get("properties");
    if (existing.get("type").asText().endsWith("/subnets")) {
      ArrayNode users = props != null && props.get("ipConfigurations") instanceof ArrayNode a ? a : null;
      if (users != null && !users.isEmpty()) {
        throw ArmError.badRequest("InUseSubnetCannotBeDeleted", "Subnet " + existing.get("name").asText()
            + " is in use by " + users.get(0).path("id").asText() + " and cannot be deleted. In order to delete"
            + " the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.");
      }
      return;
    }
    for (JsonNode subnet : ResourceKind.array(ResourceKind.properties(existing), "subnets")) {
      beforeDelete(store, (ObjectNode) subnet);
    }
  }

  /**
   * Records or removes a frontend as a user of a subnet.
   *
   * @param store the store
   * @param subnetId the subnet
   * @param userId the frontend
   * @param add true to add, false to remove
   */
  static void markUse(ArmStore store, String subnetId, String userId, boolean add) {
    ObjectNode subnet = store.find(subnetId);
    if (subnet == null) {
      return;
    }
    ArrayNode users = ResourceKind.array(ResourceKind.properties(subnet), "ipConfigurations");
    for (int i = users.size() - 1; i >= 0; i--) {
      if (ResourceKind.sameId(users.get(i).path("id").asText(), userId)) {
        users.remove(i);
      }
    }
    if (add) {
      users.add(ResourceKind.ref(userId));
    }
  }

  /**
   * An IPv4 prefix as its first and last address.
   *
   * @param cidr such as {@code 192.0.2.0/24}
   * @param owner for the error message
   * @return {first, last} as unsigned 32-bit values
   */
  static long[] parse(String cidr, String owner) {
    try {
      String[] parts = cidr.split("/");
      byte[] bytes = InetAddress.ofLiteral(parts[0]).getAddress();
      int length = Integer.parseInt(parts[1]);
      if (bytes.length != 4 || length < 0 || length > 32) {
        throw new IllegalArgumentException();
      }
      long base = ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xffL) << 16) | ((bytes[2] & 0xffL) << 8) | (bytes[3] & 0xffL);
      long size = 1L << (32 - length);
      long first = base & ~(size - 1) & 0xffffffffL;
      return new long[] {first, first + size - 1};
    } catch (RuntimeException e) {
      throw ArmError.badRequest("InvalidAddressPrefixFormat",
          "Address prefix " + cidr + " of resource " + owner + " is not formatted correctly.");
    }
  }

  static long toLong(String address) {
    byte[] b = InetAddress.ofLiteral(address).getAddress();
    if (b.length != 4) {
      throw new IllegalArgumentException("not IPv4: " + address);
    }
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
  }

  static String fromLong(long v) {
    return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
  }
}
