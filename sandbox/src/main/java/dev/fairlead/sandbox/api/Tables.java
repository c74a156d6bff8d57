package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Server-side tables ({@code meta.k8s.io/v1 Table}), what kubectl asks for on {@code get}. Columns
 * and cell formats follow the upstream printers for Services, Nodes, Namespaces, Events and
 * Deployments, a CRD's additionalPrinterColumns for its objects, and NAME/AGE otherwise.
 */
public final class Tables {
  private Tables() {}

  /** A column and how to compute its cell. */
  private record Column(String name, String type, String format, int priority, Function<JsonNode, Object> cell) {}

  /**
   * A Table of objects.
   *
   * @param resource the objects' type
   * @param items the objects
   * @param resourceVersion the list's resourceVersion
   * @param now the time AGE is measured from
   * @param includeObject {@code Object}, {@code Metadata} (the default) or {@code None}
   * @return the Table
   */
  public static ObjectNode table(ApiResource resource, List<JsonNode> items, String resourceVersion,
      Instant now, String includeObject) {
    List<Column> columns = columns(resource, now);
    ObjectNode table = Json.object().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (resourceVersion != null) {
      metadata.put("resourceVersion", resourceVersion);
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column c : columns) {
      definitions.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
          .put("description", c.name()).put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        Object value = c.cell().apply(item);
        switch (value) {
          case null -> cells.addNull();
          case Integer i -> cells.add(i);
          case Long l -> cells.add(l);
          case Boolean b -> cells.add(b);
          case JsonNode n -> cells.add(n);
          default -> cells.add(value.toString());
        }
      }
      switch (includeObject == null ? "Metadata" : includeObject) {
        case "Object" -> row.set("object", item);
        case "None" -> { }
        default -> {
          ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata")
              .put("apiVersion", "meta.k8s.io/v1");
          partial.set("metadata", item.path("metadata").deepCopy());
        }
      }
    }
    return table;
  }

  private static List<Column> columns(ApiResource r, Instant now) {
    List<Column> out = new ArrayList<>();
    out.add(new Column("Name", "string", "name", 0, o -> Json.text(o, "metadata.name")));
    Column age = new Column("Age", "string", "", 0, o -> age(Json.text(o, "metadata.creationTimestamp"), now));
    switch (r.group() + "/" + r.kind()) {
      case "/Service" -> {
        out.add(new Column("Type", "string", "", 0, o -> Json.text(o, "spec.type")));
        out.add(new Column("Cluster-IP", "string", "", 0, o -> orNone(Json.text(o, "spec.clusterIP"))));
        out.add(new Column("External-IP", "string", "", 0, Tables::externalIp));
        out.add(new Column("Port(s)", "string", "", 0, Tables::ports));
        out.add(age);
        out.add(new Column("Selector", "string", "", 1, o -> selector(o.path("spec").path("selector"))));
      }
      case "/Node" -> {
        out.add(new Column("Status", "string", "", 0, Tables::nodeStatus));
        out.add(new Column("Roles", "string", "", 0, Tables::roles));
        out.add(age);
        out.add(new Column("Version", "string", "", 0, o -> Json.text(o, "status.nodeInfo.kubeletVersion")));
        out.add(new Column("Internal-IP", "string", "", 1, o -> nodeAddress(o, "InternalIP")));
        out.add(new Column("External-IP", "string", "", 1, o -> nodeAddress(o, "ExternalIP")));
        out.add(new Column("OS-Image", "string", "", 1, o -> orUnknown(Json.text(o, "status.nodeInfo.osImage"))));
        out.add(new Column("Kernel-Version", "string", "", 1,
            o -> orUnknown(Json.text(o, "status.nodeInfo.kernelVersion"))));
        out.add(new Column("Container-Runtime", "string", "", 1,
            o -> orUnknown(Json.text(o, "status.nodeInfo.containerRuntimeVersion"))));
      }
      case "/Namespace" -> {
        out.add(new Column("Status", "string", "", 0, o -> orDefault(Json.text(o, "status.phase"), "Active")));
        out.add(age);
      }
      case "/Event" -> {
        out.clear();
        out.add(new Column("Last Seen", "string", "", 0, o -> age(firstNonEmpty(Json.text(o, "lastTimestamp"),
            Json.text(o, "eventTime"), Json.text(o, "metadata.creationTimestamp")), now)));
        out.add(new Column("Type", "string", "", 0, o -> Json.text(o, "type")));
        out.add(new Column("Reason", "string", "", 0, o -> Json.text(o, "reason")));
        out.add(new Column("Object", "string", "", 0, o -> Json.text(o, "involvedObject.kind")
            .toLowerCase(Locale.ROOT) + "/" + Json.text(o, "involvedObject.name")));
        out.add(new Column("Message", "string", "", 0, o -> Json.text(o, "message")));
        out.add(new Column("Name", "string", "name", 1, o -> Json.text(o, "metadata.name")));
      }
      case "apps/Deployment" -> {
        out.add(new Column("Ready", "string", "", 0, o -> o.path("status").path("readyReplicas").asInt(0) + "/"
            + o.path("spec").path("replicas").asInt(1)));
        out.add(new Column("Up-to-date", "integer", "", 0, o -> o.path("status").path("updatedReplicas").asInt(0)));
        out.add(new Column("Available", "integer", "", 0, o -> o.path("status").path("availableReplicas").asInt(0)));
        out.add(age);
      }
      case "apiextensions.k8s.io/CustomResourceDefinition" ->
          out.add(new Column("Created At", "date", "", 0, o -> Json.text(o, "metadata.creationTimestamp")));
      default -> {
        if (r.printerColumns().isEmpty()) {
          out.add(age);
        } else {
          for (ApiResource.PrinterColumn c : r.printerColumns()) {
            String type = c.type();
            out.add(new Column(c.name(), type, "", c.priority(), o -> printerCell(o, c, now)));
          }
        }
      }
    }
    return out;
  }

  private static Object printerCell(JsonNode o, ApiResource.PrinterColumn c, Instant now) {
    List<JsonNode> values = SimpleJsonPath.evaluate(o, c.jsonPath());
    if (values.isEmpty()) {
      return null;
    }
    if (c.type().equals("date")) {
      return age(values.get(0).asText(), now);
    }
    if (values.size() == 1) {
      JsonNode v = values.get(0);
      if (v.isArray()) {
        // Upstream prints arrays as JSON.
        return Json.write(v);
      }
      if (v.isObject()) {
        return Json.write(v);
      }
      return switch (c.type()) {
        case "integer" -> v.isNumber() ? (Object) v.asLong() : v.asText();
        case "boolean" -> v.isBoolean() ? (Object) v.asBoolean() : v.asText();
        default -> v.asText();
      };
    }
    List<String> parts = new ArrayList<>();
    values.forEach(v -> parts.add(v.isValueNode() ? v.asText() : Json.write(v)));
    return String.join(",", parts);
  }

  static String externalIp(JsonNode o) {
    JsonNode spec = o.path("spec");
    List<String> external = new ArrayList<>();
    spec.path("externalIPs").forEach(ip -> external.add(ip.asText()));
    switch (spec.path("type").asText("ClusterIP")) {
      case "LoadBalancer" -> {
        List<String> lb = new ArrayList<>();
        for (JsonNode ingress : o.path("status").path("loadBalancer").path("ingress")) {
          if (!ingress.path("ip").asText("").isEmpty()) {
            lb.add(ingress.path("ip").asText());
          } else if (!ingress.path("hostname").asText("").isEmpty()) {
            lb.add(ingress.path("hostname").asText());
          }
        }
        lb.addAll(external);
        return lb.isEmpty() ? "<pending>" : String.join(",", lb);
      }
      case "ExternalName" -> {
        return spec.path("externalName").asText();
      }
      default -> {
        return external.isEmpty() ? "<none>" : String.join(",", external);
      }
    }
  }

  static String ports(JsonNode o) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : o.path("spec").path("ports")) {
      String text = p.path("port").asText();
      if (p.path("nodePort").asInt(0) > 0) {
        text += ":" + p.path("nodePort").asInt();
      }
      out.add(text + "/" + p.path("protocol").asText("TCP"));
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }

  private static String nodeStatus(JsonNode o) {
    String status = "Unknown";
    for (JsonNode c : o.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        status = c.path("status").asText().equals("True") ? "Ready" : "NotReady";
      }
    }
    if (o.path("spec").path("unschedulable").asBoolean(false)) {
      status += ",SchedulingDisabled";
    }
    return status;
  }

  private static String roles(JsonNode o) {
    TreeSet<String> roles = new TreeSet<>();
    o.path("metadata").path("labels").properties().forEach(e -> {
      if (e.getKey().startsWith("node-role.kubernetes.io/")) {
        roles.add(e.getKey().substring("node-role.kubernetes.io/".length()));
      } else if (e.getKey().equals("kubernetes.io/role")) {
        roles.add(e.getValue().asText());
      }
    });
    return roles.isEmpty() ? "<none>" : String.join(",", roles);
  }

  private static String nodeAddress(JsonNode o, String type) {
    for (JsonNode a : o.path("status").path("addresses")) {
      if (a.path("type").asText().equals(type)) {
        return a.path("address").asText();
      }
    }
    return "<none>";
  }

  private static String selector(JsonNode selector) {
    if (!selector.isObject() || selector.isEmpty()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    selector.properties().forEach(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
    return String.join(",", parts);
  }

  /**
   * AGE as kubectl prints it ({@code 5s}, {@code 3m12s}, {@code 4h}, {@code 2d3h}, ...).
   *
   * @param timestamp an RFC 3339 timestamp, or empty
   * @param now the reference time
   * @return the age, or {@code <unknown>}
   */
  static String age(String timestamp, Instant now) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return humanDuration(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      try {
        return humanDuration(Duration.between(java.time.OffsetDateTime.parse(timestamp).toInstant(), now));
      } catch (DateTimeParseException again) {
        return "<unknown>";
      }
    }
  }

  /**
   * Upstream {@code duration.HumanDuration}.
   *
   * @param d the duration
   * @return the text
   */
  static String humanDuration(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "<none>" : s;
  }

  private static String orUnknown(String s) {
    return s.isEmpty() ? "<unknown>" : s;
  }

  private static String orDefault(String s, String fallback) {
    return s.isEmpty() ? fallback : s;
  }

  private static String firstNonEmpty(String... values) {
    for (String v : values) {
      if (!v.isEmpty()) {
        return v;
      }
    }
    return "";
  }
}
