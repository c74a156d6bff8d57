package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code global/firewalls}: ingress rules by ports, source ranges and target tags; patchable. */
final class Firewalls extends Collection {
  private static final Pattern PORT = Pattern.compile("\\d{1,5}(-\\d{1,5})?");

  Firewalls() {
    super("firewalls", "compute#firewall", Scope.GLOBAL);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    ObjectNode r = named(body);
    r.put("network", network(ctx, body, "resource.network"));
    r.put("direction", oneOf(body, "direction", "INGRESS", "INGRESS", "EGRESS"));
    r.put("priority", integer(body, "priority", 1000, 0, 65535));
    r.put("disabled", body.path("disabled").asBoolean(false));
    r.set("sourceRanges", cidrs(body.get("sourceRanges"), "resource.sourceRanges"));
    if (body.has("destinationRanges")) {
      r.set("destinationRanges", cidrs(body.get("destinationRanges"), "resource.destinationRanges"));
    }
    if (body.has("targetTags")) {
      r.set("targetTags", body.get("targetTags").deepCopy());
    }
    if (body.has("sourceTags")) {
      r.set("sourceTags", body.get("sourceTags").deepCopy());
    }
    JsonNode allowed = body.get("allowed");
    if (allowed == null || !allowed.isArray() || allowed.isEmpty()) {
      throw ComputeError.invalid("resource.allowed", "a firewall needs at least one allowed entry");
    }
    ArrayNode rules = r.putArray("allowed");
    int i = 0;
    for (JsonNode entry : allowed) {
      ObjectNode rule = rules.addObject();
      String protocol = entry.path("IPProtocol").asText("");
      if (protocol.isEmpty()) {
        throw ComputeError.invalid("resource.allowed[" + i + "].IPProtocol", "is required");
      }
      rule.put("IPProtocol", protocol);
      if (entry.has("ports")) {
        for (JsonNode port : entry.get("ports")) {
          if (!PORT.matcher(port.asText()).matches()) {
            throw ComputeError.invalid("resource.allowed[" + i + "].ports", "'" + port.asText() + "'");
          }
        }
        rule.set("ports", entry.get("ports").deepCopy());
      }
      i++;
    }
    if (r.path("sourceRanges").isEmpty() && !r.has("sourceTags") && r.path("direction").asText().equals("INGRESS")) {
      throw ComputeError.invalid("resource.sourceRanges", "an ingress rule needs source ranges or source tags");
    }
    return r;
  }

  private static ArrayNode cidrs(JsonNode ranges, String field) {
    ArrayNode out = JSON.createArrayNode();
    if (ranges != null) {
      for (JsonNode range : ranges) {
        String text = range.asText();
        if (!text.matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
          throw ComputeError.invalid(field, "'" + text + "' is not a valid CIDR");
        }
        out.add(text);
      }
    }
    return out;
  }

  @Override
  String quotaMetric() {
    return "FIREWALLS";
  }

  @Override
  Set<String> mutableFields() {
    return Set.of("description", "sourceRanges", "destinationRanges", "allowed", "targetTags", "sourceTags",
        "priority", "disabled", "network", "direction", "name");
  }
}
