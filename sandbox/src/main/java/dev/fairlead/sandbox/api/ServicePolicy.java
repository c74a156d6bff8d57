package dev.fairlead.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the API server does to a Service on create and update, without the server: defaulting,
 * validation (a subset of upstream {@code ValidateService}, worded the same way) and allocation of
 * cluster IPs, node ports and the health-check node port. Pure: the caller passes what other
 * Services already hold.
 *
 * <p>Cluster IPs come from {@link #CLUSTER_IPV4} and {@link #CLUSTER_IPV6} (documentation ranges);
 * node ports from 30000-32767, lowest free first, so runs are reproducible.
 */
public final class ServicePolicy {
  /** The IPv4 service range. */
  public static final Cidr CLUSTER_IPV4 = Cidr.parse("203.0.113.0/24").orElseThrow();
  /** The IPv6 service range. */
  public static final Cidr CLUSTER_IPV6 = Cidr.parse("2001:db8:ffff::/112").orElseThrow();
  /** The lowest node port. */
  public static final int NODE_PORT_MIN = 30000;
  /** The highest node port. */
  public static final int NODE_PORT_MAX = 32767;

  private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern IANA_SVC_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private static final Set<String> TOP_FIELDS = Set.of("apiVersion", "kind", "metadata", "spec", "status");
  private static final Set<String> META_FIELDS = Set.of("name", "generateName", "namespace", "selfLink", "uid",
      "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
      "labels", "annotations", "ownerReferences", "finalizers", "managedFields");
  private static final Set<String> SPEC_FIELDS = Set.of("ports", "selector", "clusterIP", "clusterIPs", "type",
      "externalIPs", "sessionAffinity", "loadBalancerIP", "loadBalancerSourceRanges", "externalName",
      "externalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig",
      "ipFamilies", "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass",
      "internalTrafficPolicy", "trafficDistribution");
  private static final Set<String> PORT_FIELDS = Set.of("name", "protocol", "appProtocol", "port", "targetPort",
      "nodePort");
  private static final Set<String> STATUS_FIELDS = Set.of("loadBalancer", "conditions");

  private ServicePolicy() {}

  /**
   * The fields of a Service that the v1 schema does not have, as {@code fieldValidation=Strict}
   * (kubectl's default) reports them: {@code spec.prots}, {@code spec.ports[0].nme}.
   *
   * @param service the Service
   * @return the unknown field paths, in document order
   */
  public static List<String> unknownFields(JsonNode service) {
    List<String> out = new ArrayList<>();
    unknown(service, "", TOP_FIELDS, out);
    unknown(service.path("metadata"), "metadata.", META_FIELDS, out);
    unknown(service.path("spec"), "spec.", SPEC_FIELDS, out);
    unknown(service.path("status"), "status.", STATUS_FIELDS, out);
    JsonNode ports = service.path("spec").path("ports");
    for (int i = 0; i < ports.size(); i++) {
      unknown(ports.get(i), "spec.ports[" + i + "].", PORT_FIELDS, out);
    }
    return out;
  }

  private static void unknown(JsonNode node, String prefix, Set<String> known, List<String> out) {
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(name -> {
        if (!known.contains(name)) {
          out.add(prefix + name);
        }
      });
    }
  }

  /**
   * What other Services hold.
   *
   * @param nodePorts node ports and health-check node ports in use
   * @param clusterIps cluster IPs in use (canonical text)
   */
  public record Allocated(Set<Integer> nodePorts, Set<String> clusterIps) {
    /** Copies. */
    public Allocated {
      nodePorts = Set.copyOf(nodePorts);
      clusterIps = Set.copyOf(clusterIps);
    }

    /**
     * What a stored Service holds.
     *
     * @param service the Service
     * @return its node ports and cluster IPs
     */
    public static Allocated of(JsonNode service) {
      Set<Integer> ports = new HashSet<>();
      Set<String> ips = new HashSet<>();
      JsonNode spec = service.path("spec");
      spec.path("ports").forEach(p -> {
        if (p.path("nodePort").asInt(0) > 0) {
          ports.add(p.path("nodePort").asInt());
        }
      });
      if (spec.path("healthCheckNodePort").asInt(0) > 0) {
        ports.add(spec.path("healthCheckNodePort").asInt());
      }
      spec.path("clusterIPs").forEach(ip -> Cidr.ip(ip.asText()).ifPresent(a -> ips.add(Cidr.format(a))));
      Cidr.ip(spec.path("clusterIP").asText()).ifPresent(a -> ips.add(Cidr.format(a)));
      return new Allocated(ports, ips);
    }

    /**
     * Both together.
     *
     * @param other more allocations
     * @return the union
     */
    public Allocated plus(Allocated other) {
      Set<Integer> ports = new HashSet<>(nodePorts);
      ports.addAll(other.nodePorts);
      Set<String> ips = new HashSet<>(clusterIps);
      ips.addAll(other.clusterIps);
      return new Allocated(ports, ips);
    }
  }

  /** The result of admission. */
  public sealed interface Outcome {
    /**
     * Accepted, defaulted and allocated.
     *
     * @param service the Service to store
     */
    record Admitted(ObjectNode service) implements Outcome {}

    /**
     * Rejected.
     *
     * @param errors why
     */
    record Rejected(List<FieldError> errors) implements Outcome {}
  }

  /**
   * Admits a Service being created ({@code existing == null}) or updated.
   *
   * @param incoming the requested object (not modified)
   * @param existing the stored object, or null on create
   * @param others what every other Service holds
   * @return the object to store, or why not
   */
  public static Outcome admit(JsonNode incoming, JsonNode existing, Allocated others) {
    ObjectNode svc = incoming.deepCopy();
    ObjectNode spec = svc.has("spec") && svc.get("spec").isObject() ? (ObjectNode) svc.get("spec")
        : svc.putObject("spec");
    JsonNode oldSpec = existing == null ? Json.object() : existing.path("spec");
    List<FieldError> errors = new ArrayList<>();

    String name = svc.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      errors.add(FieldError.required("metadata.name", "name or generateName is required"));
    } else if (name.length() > 63 || !DNS_1035.matcher(name).matches()) {
      errors.add(FieldError.invalid("metadata.name", name, "a DNS-1035 label must consist of lower case"
          + " alphanumeric characters or '-', start with an alphabetic character, and end with an"
          + " alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is"
          + " '[a-z]([-a-z0-9]*[a-z0-9])?')"));
    }

    String type = textOr(spec, "type", "ClusterIP");
    spec.put("type", type);
    if (!TYPES.contains(type)) {
      errors.add(FieldError.notSupported("spec.type", type, TYPES));
      return new Outcome.Rejected(errors);
    }
    boolean external = type.equals("ExternalName");
    boolean loadBalancer = type.equals("LoadBalancer");
    boolean nodePorts = type.equals("NodePort") || loadBalancer;
    String oldType = oldSpec.path("type").asText("");

    dropTypeDependentFields(spec, oldSpec, type, oldType);
    defaults(spec, type);

    validatePorts(spec, oldSpec, type, others, errors);
    validatePolicies(spec, type, errors);
    validateSourceRanges(spec, loadBalancer, errors);
    validateClass(spec, oldSpec, loadBalancer, oldType, errors);
    if (external) {
      String externalName = spec.path("externalName").asText("");
      if (externalName.isEmpty()) {
        errors.add(FieldError.required("spec.externalName", ""));
      } else if (!DNS_1123_SUBDOMAIN.matcher(externalName).matches() || externalName.length() > 253) {
        errors.add(FieldError.invalid("spec.externalName", externalName, "a lowercase RFC 1123"
            + " subdomain must consist of lower case alphanumeric characters, '-' or '.', and must"
            + " start and end with an alphanumeric character"));
      }
    }
    if (!spec.path("allocateLoadBalancerNodePorts").isMissingNode() && !loadBalancer) {
      errors.add(FieldError.forbidden("spec.allocateLoadBalancerNodePorts",
          "may only be used when `type` is 'LoadBalancer'"));
    }
    validateClusterIps(spec, oldSpec, type, others, errors);
    if (!errors.isEmpty()) {
      return new Outcome.Rejected(errors);
    }

    boolean wantNodePorts = nodePorts
        && !(loadBalancer && !spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    Set<Integer> taken = new HashSet<>(others.nodePorts());
    spec.path("ports").forEach(p -> {
      if (p.path("nodePort").asInt(0) > 0) {
        taken.add(p.path("nodePort").asInt());
      }
    });
    if (wantNodePorts) {
      for (JsonNode port : spec.path("ports")) {
        if (port.path("nodePort").asInt(0) == 0) {
          Optional<Integer> reuse = oldNodePort(oldSpec, port).filter(p -> !taken.contains(p));
          int allocated = reuse.orElseGet(() -> lowestFree(taken));
          if (allocated < 0) {
            return new Outcome.Rejected(List.of(FieldError.invalid("spec.ports",
                port.path("port"), "no free node ports in range 30000-32767")));
          }
          taken.add(allocated);
          ((ObjectNode) port).put("nodePort", allocated);
        }
      }
    }
    boolean wantHealthCheck = loadBalancer && "Local".equals(spec.path("externalTrafficPolicy").asText());
    if (wantHealthCheck && spec.path("healthCheckNodePort").asInt(0) == 0) {
      int old = oldSpec.path("healthCheckNodePort").asInt(0);
      int allocated = old > 0 && !taken.contains(old) ? old : lowestFree(taken);
      taken.add(allocated);
      spec.put("healthCheckNodePort", allocated);
    }
    allocateClusterIps(spec, oldSpec, type, others);
    if (!svc.has("status") || !svc.get("status").isObject()) {
      svc.putObject("status").putObject("loadBalancer");
    } else if (!svc.get("status").has("loadBalancer")) {
      ((ObjectNode) svc.get("status")).putObject("loadBalancer");
    }
    return new Outcome.Admitted(svc);
  }

  /** Like upstream: fields that only make sense for the old type are dropped when unchanged. */
  private static void dropTypeDependentFields(ObjectNode spec, JsonNode oldSpec, String type, String oldType) {
    if (oldType.isEmpty() || oldType.equals(type)) {
      return;
    }
    boolean nodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
    if (!nodePorts) {
      for (JsonNode port : spec.path("ports")) {
        int nodePort = port.path("nodePort").asInt(0);
        if (nodePort > 0 && oldNodePort(oldSpec, port).orElse(-1) == nodePort) {
          ((ObjectNode) port).remove("nodePort");
        }
      }
      if (Objects.equals(spec.get("externalTrafficPolicy"), oldSpec.get("externalTrafficPolicy"))) {
        spec.remove("externalTrafficPolicy");
      }
    }
    if (!type.equals("LoadBalancer")) {
      for (String field : List.of("allocateLoadBalancerNodePorts", "loadBalancerClass", "healthCheckNodePort")) {
        if (spec.has(field) && Objects.equals(spec.get(field), oldSpec.get(field))) {
          spec.remove(field);
        }
      }
    }
    if (type.equals("ExternalName")) {
      for (String field : List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")) {
        if (spec.has(field) && Objects.equals(spec.get(field), oldSpec.get(field))) {
          spec.remove(field);
        }
      }
      if (Objects.equals(spec.get("internalTrafficPolicy"), oldSpec.get("internalTrafficPolicy"))) {
        spec.remove("internalTrafficPolicy");
      }
    }
  }

  private static void defaults(ObjectNode spec, String type) {
    if (!spec.has("sessionAffinity")) {
      spec.put("sessionAffinity", "None");
    }
    for (JsonNode port : spec.path("ports")) {
      if (!port.isObject()) {
        continue;
      }
      ObjectNode p = (ObjectNode) port;
      if (!p.has("protocol")) {
        p.put("protocol", "TCP");
      }
      if (!p.has("targetPort") && p.has("port")) {
        p.set("targetPort", p.get("port"));
      }
    }
    if (!type.equals("ExternalName") && !spec.has("internalTrafficPolicy")) {
      spec.put("internalTrafficPolicy", "Cluster");
    }
    if ((type.equals("NodePort") || type.equals("LoadBalancer")) && !spec.has("externalTrafficPolicy")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    if (type.equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
  }

  private static void validatePorts(ObjectNode spec, JsonNode oldSpec, String type, Allocated others,
      List<FieldError> errors) {
    JsonNode ports = spec.path("ports");
    boolean headless = "None".equals(spec.path("clusterIP").asText());
    if (!ports.isArray() || ports.isEmpty()) {
      if (!type.equals("ExternalName") && !headless) {
        errors.add(FieldError.required("spec.ports", ""));
      }
      return;
    }
    boolean nodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
    Set<String> names = new HashSet<>();
    Set<String> portProtocols = new HashSet<>();
    Map<String, Integer> nodePortsSeen = new HashMap<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode port = ports.get(i);
      String at = "spec.ports[" + i + "]";
      String name = port.path("name").asText("");
      if (name.isEmpty()) {
        if (ports.size() > 1) {
          errors.add(FieldError.required(at + ".name", ""));
        }
      } else if (name.length() > 63 || !DNS_1123_LABEL.matcher(name).matches()) {
        errors.add(FieldError.invalid(at + ".name", name, "a lowercase RFC 1123 label must consist of"
            + " lower case alphanumeric characters or '-', and must start and end with an alphanumeric"
            + " character"));
      } else if (!names.add(name)) {
        errors.add(FieldError.duplicate(at + ".name", TextNode.valueOf(name)));
      }
      JsonNode portValue = port.path("port");
      int number = portValue.isInt() ? portValue.asInt() : 0;
      if (portValue.isMissingNode()) {
        errors.add(FieldError.required(at + ".port", ""));
      } else if (number < 1 || number > 65535) {
        errors.add(FieldError.invalid(at + ".port", portValue, "must be between 1 and 65535, inclusive"));
      }
      String protocol = port.path("protocol").asText("TCP");
      if (!PROTOCOLS.contains(protocol)) {
        errors.add(FieldError.notSupported(at + ".protocol", protocol, PROTOCOLS));
      }
      JsonNode target = port.path("targetPort");
      if (target.isInt()) {
        if (target.asInt() < 1 || target.asInt() > 65535) {
          errors.add(FieldError.invalid(at + ".targetPort", target, "must be between 1 and 65535, inclusive"));
        }
      } else if (target.isTextual()) {
        String t = target.asText();
        if (t.length() > 15 || !IANA_SVC_NAME.matcher(t).matches() || !t.matches(".*[a-z].*")) {
          errors.add(FieldError.invalid(at + ".targetPort", target, "must contain only alpha-numeric"
              + " characters (a-z, 0-9), and hyphens (-), at most 15 characters, and at least one letter"));
        }
      }
      if (number > 0 && !portProtocols.add(number + "/" + protocol)) {
        ObjectNode dup = Json.object().put("port", number).put("protocol", protocol);
        errors.add(FieldError.duplicate(at, dup));
      }
      JsonNode nodePortValue = port.path("nodePort");
      int nodePort = nodePortValue.asInt(0);
      if (nodePort != 0 || (!nodePortValue.isMissingNode() && !nodePortValue.isInt())) {
        if (!nodePorts) {
          errors.add(FieldError.forbidden(at + ".nodePort",
              "may not be used when `type` is '" + type + "'"));
        } else if (!nodePortValue.isInt() || nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
          errors.add(FieldError.invalid(at + ".nodePort", nodePortValue, "provided port is not in the"
              + " valid range. The range of valid ports is 30000-32767"));
        } else {
          Integer previous = nodePortsSeen.put(nodePort + "/" + protocol, i);
          if (previous != null) {
            errors.add(FieldError.duplicate(at + ".nodePort", nodePortValue));
          } else if (others.nodePorts().contains(nodePort)) {
            errors.add(FieldError.invalid(at + ".nodePort", nodePortValue,
                "provided port is already allocated"));
          }
        }
      }
    }
    JsonNode health = spec.path("healthCheckNodePort");
    if (!health.isMissingNode() && health.asInt(0) != 0) {
      boolean allowed = type.equals("LoadBalancer") && "Local".equals(spec.path("externalTrafficPolicy").asText());
      if (!allowed) {
        errors.add(FieldError.invalid("spec.healthCheckNodePort", health, "may only be set when `type`"
            + " is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
      } else if (health.asInt() < NODE_PORT_MIN || health.asInt() > NODE_PORT_MAX) {
        errors.add(FieldError.invalid("spec.healthCheckNodePort", health, "provided port is not in the"
            + " valid range. The range of valid ports is 30000-32767"));
      } else if (others.nodePorts().contains(health.asInt())
          || nodePortsSeen.keySet().stream().anyMatch(k -> k.startsWith(health.asInt() + "/"))) {
        errors.add(FieldError.invalid("spec.healthCheckNodePort", health, "provided port is already allocated"));
      }
    }
  }

  private static void validatePolicies(ObjectNode spec, String type, List<FieldError> errors) {
    boolean nodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
    JsonNode etp = spec.path("externalTrafficPolicy");
    if (!etp.isMissingNode()) {
      if (!nodePorts) {
        errors.add(FieldError.invalid("spec.externalTrafficPolicy", etp,
            "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
      } else if (!List.of("Cluster", "Local").contains(etp.asText())) {
        errors.add(FieldError.notSupported("spec.externalTrafficPolicy", etp.asText(), List.of("Cluster", "Local")));
      }
    }
    JsonNode itp = spec.path("internalTrafficPolicy");
    if (!itp.isMissingNode() && !List.of("Cluster", "Local").contains(itp.asText())) {
      errors.add(FieldError.notSupported("spec.internalTrafficPolicy", itp.asText(), List.of("Cluster", "Local")));
    }
    String affinity = spec.path("sessionAffinity").asText("None");
    if (!List.of("ClientIP", "None").contains(affinity)) {
      errors.add(FieldError.notSupported("spec.sessionAffinity", affinity, List.of("ClientIP", "None")));
    }
    JsonNode policy = spec.path("ipFamilyPolicy");
    List<String> policies = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
    if (!policy.isMissingNode() && !policy.isNull() && !policies.contains(policy.asText())) {
      errors.add(FieldError.notSupported("spec.ipFamilyPolicy", policy.asText(), policies));
    }
    JsonNode families = spec.path("ipFamilies");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < families.size(); i++) {
      String family = families.get(i).asText();
      if (!List.of("IPv4", "IPv6").contains(family)) {
        errors.add(FieldError.notSupported("spec.ipFamilies[" + i + "]", family, List.of("IPv4", "IPv6")));
      } else if (!seen.add(family)) {
        errors.add(FieldError.duplicate("spec.ipFamilies[" + i + "]", families.get(i)));
      }
    }
    if (families.size() > 1 && "SingleStack".equals(policy.asText())) {
      errors.add(FieldError.invalid("spec.ipFamilies", families,
          "when spec.ipFamilyPolicy is SingleStack, at most one IP family may be given"));
    }
  }

  private static void validateSourceRanges(ObjectNode spec, boolean loadBalancer, List<FieldError> errors) {
    JsonNode ranges = spec.path("loadBalancerSourceRanges");
    if (ranges.isMissingNode() || ranges.isNull() || ranges.isEmpty()) {
      return;
    }
    if (!loadBalancer) {
      errors.add(FieldError.forbidden("spec.loadBalancerSourceRanges",
          "may only be used when `type` is 'LoadBalancer'"));
      return;
    }
    for (int i = 0; i < ranges.size(); i++) {
      String range = ranges.get(i).asText().strip();
      if (Cidr.parse(range).isEmpty()) {
        errors.add(FieldError.invalid("spec.loadBalancerSourceRanges[" + i + "]", range,
            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
      }
    }
  }

  private static void validateClass(ObjectNode spec, JsonNode oldSpec, boolean loadBalancer, String oldType,
      List<FieldError> errors) {
    JsonNode lbClass = spec.path("loadBalancerClass");
    if (lbClass.isMissingNode() || lbClass.isNull()) {
      if (oldType.equals("LoadBalancer") && loadBalancer && oldSpec.hasNonNull("loadBalancerClass")) {
        errors.add(FieldError.invalid("spec.loadBalancerClass", Json.MAPPER.nullNode(), "may not change once set"));
      }
      return;
    }
    if (!loadBalancer) {
      errors.add(FieldError.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"));
      return;
    }
    String value = lbClass.asText();
    if (!QUALIFIED_NAME.matcher(value).matches() || !value.contains("/")) {
      errors.add(FieldError.invalid("spec.loadBalancerClass", value, "must be a label value with a"
          + " domain prefix, e.g. 'example.com/internal-vip'"));
    }
    if (oldType.equals("LoadBalancer") && !Objects.equals(oldSpec.get("loadBalancerClass"), lbClass)) {
      errors.add(FieldError.invalid("spec.loadBalancerClass", lbClass, "may not change once set"));
    }
  }

  private static void validateClusterIps(ObjectNode spec, JsonNode oldSpec, String type, Allocated others,
      List<FieldError> errors) {
    String clusterIp = spec.path("clusterIP").asText("");
    boolean nodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
    if (type.equals("ExternalName")) {
      if (!clusterIp.isEmpty()) {
        errors.add(FieldError.forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
      }
      return;
    }
    if (clusterIp.equals("None")) {
      if (nodePorts) {
        errors.add(FieldError.invalid("spec.clusterIPs[0]", clusterIp,
            "may not be set to 'None' for " + type + " services"));
      }
      return;
    }
    List<String> requested = new ArrayList<>();
    if (!clusterIp.isEmpty()) {
      requested.add(clusterIp);
    }
    spec.path("clusterIPs").forEach(ip -> {
      if (!requested.contains(ip.asText())) {
        requested.add(ip.asText());
      }
    });
    String oldIp = oldSpec.path("clusterIP").asText("");
    if (!oldIp.isEmpty() && !clusterIp.isEmpty() && !oldIp.equals(clusterIp)
        && !oldSpec.path("type").asText().equals("ExternalName")) {
      errors.add(FieldError.invalid("spec.clusterIPs[0]", clusterIp, "may not change once set"));
      return;
    }
    Set<String> oldIps = new HashSet<>();
    oldSpec.path("clusterIPs").forEach(ip -> oldIps.add(ip.asText()));
    for (int i = 0; i < requested.size(); i++) {
      String text = requested.get(i);
      Optional<InetAddress> ip = Cidr.ip(text);
      if (ip.isEmpty()) {
        errors.add(FieldError.invalid("spec.clusterIPs[" + i + "]", text, "must be a valid IP address,"
            + " (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        continue;
      }
      if (oldIps.contains(text) || oldIp.equals(text)) {
        continue;
      }
      Cidr range = ip.get() instanceof java.net.Inet6Address ? CLUSTER_IPV6 : CLUSTER_IPV4;
      ArrayNode shown = Json.MAPPER.createArrayNode();
      requested.forEach(shown::add);
      if (!range.contains(ip.get())) {
        errors.add(FieldError.invalid("spec.clusterIPs", shown, "failed to allocate IP " + text
            + ": the provided IP (" + text + ") is not in the valid range. The range of valid IPs is "
            + range));
      } else if (others.clusterIps().contains(Cidr.format(ip.get()))) {
        errors.add(FieldError.invalid("spec.clusterIPs", shown, "failed to allocate IP " + text
            + ": provided IP is already allocated"));
      }
    }
  }

  private static void allocateClusterIps(ObjectNode spec, JsonNode oldSpec, String type, Allocated others) {
    if (type.equals("ExternalName")) {
      return;
    }
    String clusterIp = spec.path("clusterIP").asText("");
    if (clusterIp.isEmpty() && !oldSpec.path("clusterIP").asText("").isEmpty()
        && !oldSpec.path("type").asText().equals("ExternalName")) {
      spec.set("clusterIP", oldSpec.get("clusterIP"));
      spec.set("clusterIPs", oldSpec.get("clusterIPs") == null ? Json.MAPPER.createArrayNode().add(
          oldSpec.get("clusterIP")) : oldSpec.get("clusterIPs").deepCopy());
      if (oldSpec.has("ipFamilies")) {
        spec.set("ipFamilies", oldSpec.get("ipFamilies").deepCopy());
      }
      if (oldSpec.has("ipFamilyPolicy")) {
        spec.set("ipFamilyPolicy", oldSpec.get("ipFamilyPolicy").deepCopy());
      }
      return;
    }
    if (clusterIp.equals("None")) {
      spec.set("clusterIPs", Json.MAPPER.createArrayNode().add("None"));
      if (!spec.has("ipFamilyPolicy")) {
        spec.put("ipFamilyPolicy", "SingleStack");
      }
      if (!spec.has("ipFamilies")) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      return;
    }
    String policy = spec.path("ipFamilyPolicy").asText("SingleStack");
    List<String> families = new ArrayList<>();
    spec.path("ipFamilies").forEach(f -> families.add(f.asText()));
    List<String> ips = new ArrayList<>();
    if (!clusterIp.isEmpty()) {
      ips.add(clusterIp);
    }
    spec.path("clusterIPs").forEach(ip -> {
      if (!ips.contains(ip.asText())) {
        ips.add(ip.asText());
      }
    });
    if (families.isEmpty()) {
      for (String ip : ips) {
        families.add(ip.contains(":") ? "IPv6" : "IPv4");
      }
      if (families.isEmpty()) {
        families.add("IPv4");
      }
    }
    if (!policy.equals("SingleStack") && families.size() == 1) {
      families.add(families.get(0).equals("IPv4") ? "IPv6" : "IPv4");
    }
    Set<String> taken = new HashSet<>(others.clusterIps());
    taken.addAll(ips);
    for (int i = ips.size(); i < families.size(); i++) {
      Cidr range = families.get(i).equals("IPv6") ? CLUSTER_IPV6 : CLUSTER_IPV4;
      for (long n = 1; n < range.size() - 1; n++) {
        String candidate = Cidr.format(range.at(n));
        if (!taken.contains(candidate)) {
          ips.add(candidate);
          taken.add(candidate);
          break;
        }
      }
    }
    spec.put("clusterIP", ips.get(0));
    ArrayNode clusterIps = spec.putArray("clusterIPs");
    ips.forEach(clusterIps::add);
    ArrayNode familyArray = spec.putArray("ipFamilies");
    families.forEach(familyArray::add);
    spec.put("ipFamilyPolicy", policy);
  }

  private static Optional<Integer> oldNodePort(JsonNode oldSpec, JsonNode port) {
    for (JsonNode old : oldSpec.path("ports")) {
      if (old.path("port").asInt() == port.path("port").asInt()
          && old.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP"))
          && old.path("nodePort").asInt(0) > 0) {
        return Optional.of(old.path("nodePort").asInt());
      }
    }
    return Optional.empty();
  }

  private static int lowestFree(Set<Integer> taken) {
    for (int p = NODE_PORT_MIN; p <= NODE_PORT_MAX; p++) {
      if (!taken.contains(p)) {
        return p;
      }
    }
    return -1;
  }

  private static String textOr(JsonNode node, String field, String fallback) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isEmpty() ? value.asText() : fallback;
  }
}
