package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Microsoft.Network/networkSecurityGroups} with {@code securityRules}: priorities 100 to 4096
 * unique per direction ({@code SecurityRuleConflict}), the 1,000-rule limit ({@code
 * SecurityRuleCountLimitReached}), the six default rules Azure adds to every group.
 */
final class NetworkSecurityGroups implements ResourceKind {

  @Override
  public String type() {
    return "networkSecurityGroups";
  }

  @Override
  public List<String> children() {
    return List.of("securityRules");
  }

  @Override
  public void prepare(ArmStore store, ResourceId id, ObjectNode body, ObjectNode existing) {
    ObjectNode props = ResourceKind.properties(body);
    ArrayNode rules = ResourceKind.array(props, "securityRules");
    if (rules.size() > store.limits.rulesPerSecurityGroup()) {
      throw ArmError.badRequest("SecurityRuleCountLimitReached", "A security group cannot have more than "
          + store.limits.rulesPerSecurityGroup() + " security rules.");
    }
    Map<String, String> byPriority = new HashMap<>();
    for (JsonNode node : rules) {
      ObjectNode rule = (ObjectNode) node;
      String ruleId = rule.get("id").asText();
      ObjectNode rp = ResourceKind.properties(rule);
      ResourceKind.required(rp, "protocol", ruleId, "Tcp", "Udp", "Icmp", "Esp", "Ah", "*");
      ResourceKind.required(rp, "access", ruleId, "Allow", "Deny");
      ResourceKind.required(rp, "direction", ruleId, "Inbound", "Outbound");
      JsonNode priority = rp.get("priority");
      if (priority == null || !priority.canConvertToInt() || priority.asInt() < 100 || priority.asInt() > 4096) {
        throw ArmError.badRequest("SecurityRuleInvalidPriority", "Security rule has invalid Priority. Value"
            + " provided: " + (priority == null ? "null" : priority.asText()) + " Allowed range 100-4096.");
      }
      String key = priority.asInt() + "/" + rp.get("direction").asText();
      String clash = byPriority.put(key, rule.get("name").asText());
      if (clash != null) {
        throw ArmError.badRequest("SecurityRuleConflict", "Security rule " + clash + " conflicts with rule "
            + rule.get("name").asText() + ". Rules cannot have the same Priority and Direction. To learn more,"
            + " see aka.ms/nsgrules.");
      }
      requireOne(rp, "sourceAddressPrefix", ruleId);
      requireOne(rp, "destinationAddressPrefix", ruleId);
      requireOne(rp, "sourcePortRange", ruleId);
      requireOne(rp, "destinationPortRange", ruleId);
      if (rp.has("description") && rp.get("description").asText().length() > 140) {
        throw ArmError.badRequest("SecurityRuleDescriptionTooLong",
            "The description of security rule " + ruleId + " exceeds 140 characters.");
      }
    }
    props.set("defaultSecurityRules", defaults(id));
  }

  /** Exactly one of {@code x} and its plural {@code xes}/{@code xs} is set and not empty. */
  private static void requireOne(ObjectNode rp, String singular, String ruleId) {
    String plural = singular.endsWith("Prefix") ? singular + "es" : singular + "s";
    boolean one = ResourceKind.text(rp, singular) != null && !rp.get(singular).asText().isEmpty();
    boolean many = rp.get(plural) instanceof ArrayNode a && !a.isEmpty();
    if (one == many) {
      throw ArmError.badRequest("SecurityRuleParameterContainsUnsupportedValue", "Security rule " + ruleId
          + " must specify exactly one of " + singular + " and " + plural + ".");
    }
    if (!rp.has(plural)) {
      rp.putArray(plural);
    }
  }

  private static ArrayNode defaults(ResourceId id) {
    ArrayNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    Object[][] rules = {
      {"AllowVnetInBound", 65000, "Inbound", "VirtualNetwork", "VirtualNetwork", "Allow"},
      {"AllowAzureLoadBalancerInBound", 65001, "Inbound", "AzureLoadBalancer", "*", "Allow"},
      {"DenyAllInBound", 65500, "Inbound", "*", "*", "Deny"},
      {"AllowVnetOutBound", 65000, "Outbound", "VirtualNetwork", "VirtualNetwork", "Allow"},
      {"AllowInternetOutBound", 65001, "Outbound", "*", "Internet", "Allow"},
      {"DenyAllOutBound", 65500, "Outbound", "*", "*", "Deny"}
    };
    for (Object[] r : rules) {
      ObjectNode rule = out.addObject();
      rule.put("name", (String) r[0]);
      rule.put("id", id.id() + "/defaultSecurityRules/" + r[0]);
      rule.put("type", ArmStore.PROVIDER + "/networkSecurityGroups/defaultSecurityRules");
      rule.putObject("properties").put("provisioningState", "Succeeded").put("protocol", "*")
          .put("sourcePortRange", "*").put("destinationPortRange", "*")
          .put("sourceAddressPrefix", (String) r[3]).put("destinationAddressPrefix", (String) r[4])
          .put("access", (String) r[5]).put("priority", (Integer) r[1]).put("direction", (String) r[2]);
    }
    return out;
  }
}
