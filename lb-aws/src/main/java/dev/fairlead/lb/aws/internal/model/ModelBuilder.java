package dev.fairlead.lb.aws.internal.model;

import static dev.fairlead.lb.aws.internal.model.Annotations.*;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.TrafficPolicy;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import dev.fairlead.lb.cloud.UpstreamNames;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link LoadBalancerSpec} into an {@link NlbModel}. Pure: no I/O, so every invalid
 * annotation is reported (as {@link UnsupportedFeatureException} naming the annotation) before the
 * provider makes a single AWS call.
 */
public final class ModelBuilder {
  private static final Pattern PROVIDER_ID = Pattern.compile("^aws://[^/]*/[^/]*/(i-[0-9a-f]+)$");
  private static final Pattern BARE_INSTANCE = Pattern.compile("^i-[0-9a-f]+$");
  private static final Pattern SUBNET_ID = Pattern.compile("^subnet-[0-9a-f]+$");
  private static final Pattern EIP = Pattern.compile("^eipalloc-[0-9a-f]+$");
  private static final Pattern SG_ID = Pattern.compile("^sg-[0-9a-f]+$");
  /**
   * The target group attributes an NLB's instance groups accept, each with the values AWS takes, so
   * a value AWS would refuse is refused here, before any call, naming the annotation.
   */
  private static final Map<String, AttributeRule> TG_ATTRIBUTES_ACCEPTED =
      Map.of(
          "preserve_client_ip.enabled", AttributeRule.BOOLEAN,
          "proxy_protocol_v2.enabled", AttributeRule.BOOLEAN,
          "deregistration_delay.timeout_seconds", AttributeRule.range(0, 3600),
          "deregistration_delay.connection_termination.enabled", AttributeRule.BOOLEAN,
          "stickiness.enabled", AttributeRule.BOOLEAN,
          "stickiness.type", AttributeRule.oneOf("source_ip"),
          "load_balancing.cross_zone.enabled",
              AttributeRule.oneOf("true", "false", "use_load_balancer_configuration"),
          "target_health_state.unhealthy.connection_termination.enabled", AttributeRule.BOOLEAN);

  private static final int MAX_LISTENERS = 50;

  private final String cluster;

  /**
   * Creates a builder for one cluster.
   *
   * @param cluster the cluster name, part of every name and tag
   */
  public ModelBuilder(String cluster) {
    this.cluster = cluster;
  }

  /**
   * Whether another controller owns this Service (type {@code external} or {@code nlb-ip}).
   *
   * @param spec the spec
   * @return true if the annotation hands the Service to another controller
   */
  public static boolean implementedElsewhere(LoadBalancerSpec spec) {
    String type = spec.annotation(TYPE).map(v -> v.strip().toLowerCase(Locale.ROOT)).orElse("");
    return type.equals("external") || type.equals("nlb-ip");
  }

  /**
   * Whether the Service asks for an NLB the way the upstream in-tree provider required ({@code
   * type: nlb}); only such a Service can have an upstream NLB to adopt.
   *
   * @param spec the spec
   * @return true for {@code type: nlb}
   */
  public static boolean requestsNlb(LoadBalancerSpec spec) {
    return spec.annotation(TYPE)
        .map(v -> v.strip().toLowerCase(Locale.ROOT).equals("nlb"))
        .orElse(false);
  }

  /**
   * Builds the model.
   *
   * @param spec the spec
   * @return the model
   * @throws UnsupportedFeatureException naming the field or annotation that cannot be served
   */
  public NlbModel build(LoadBalancerSpec spec) {
    checkType(spec);
    if (!spec.requestedAddresses().isEmpty()) {
      throw new UnsupportedFeatureException(
          "spec.loadBalancerIP is not supported by AWS NLBs: their addresses come from their"
              + " subnets; use "
              + EIP_ALLOCATIONS
              + " or "
              + PRIVATE_IPV4
              + " instead");
    }
    if (spec.ipFamilies().contains(IpFamily.IPV6)) {
      throw new UnsupportedFeatureException(
          "IPv6 (spec.ipFamilies " + spec.ipFamilies() + ") is not supported by this provider yet");
    }
    if (spec.ports().size() > MAX_LISTENERS) {
      throw new UnsupportedFeatureException(
          "an NLB has at most "
              + MAX_LISTENERS
              + " listeners, the Service has "
              + spec.ports().size()
              + " ports");
    }
    boolean internal =
        spec.annotation(INTERNAL).map(v -> !v.strip().equalsIgnoreCase("false")).orElse(false);
    Subnets subnets = subnets(spec);
    List<String> eips = list(spec, EIP_ALLOCATIONS);
    for (String eip : eips) {
      require(
          EIP.matcher(eip).matches(),
          EIP_ALLOCATIONS,
          "'" + eip + "' is not an allocation ID" + " such as eipalloc-0123456789abcdef0");
    }
    require(
        eips.isEmpty() || !internal,
        EIP_ALLOCATIONS,
        "Elastic IPs need an internet-facing NLB, but " + INTERNAL + " is set");
    List<String> privateIps = list(spec, PRIVATE_IPV4);
    for (String ip : privateIps) {
      require(isIpv4(ip), PRIVATE_IPV4, "'" + ip + "' is not an IPv4 address");
    }
    require(
        privateIps.isEmpty() || internal,
        PRIVATE_IPV4,
        "private addresses need an internal NLB: set " + INTERNAL + ": \"true\"");
    if (subnets instanceof Subnets.Named named) {
      require(
          eips.isEmpty() || eips.size() == named.refs().size(),
          EIP_ALLOCATIONS,
          "needs one allocation per subnet: " + eips.size() + " for " + named.refs().size());
      require(
          privateIps.isEmpty() || privateIps.size() == named.refs().size(),
          PRIVATE_IPV4,
          "needs one address per subnet: " + privateIps.size() + " for " + named.refs().size());
    }
    Map<String, String> tags = ownershipTags(spec);
    Optional<Boolean> crossZone = spec.annotation(CROSS_ZONE).map(v -> bool(CROSS_ZONE, v));
    Map<String, String> tgAttributes = keyValues(spec, TG_ATTRIBUTES);
    tgAttributes.forEach(
        (key, value) -> {
          AttributeRule rule = TG_ATTRIBUTES_ACCEPTED.get(key);
          require(
              rule != null,
              TG_ATTRIBUTES,
              "unknown attribute '"
                  + key
                  + "'; known: "
                  + new TreeSet<>(TG_ATTRIBUTES_ACCEPTED.keySet()));
          require(
              rule.accepts(value),
              TG_ATTRIBUTES,
              "'" + key + "=" + value + "': the value must be " + rule.expected());
        });
    List<String> byo = list(spec, SECURITY_GROUPS);
    for (String sg : byo) {
      require(
          SG_ID.matcher(sg).matches(),
          SECURITY_GROUPS,
          "'" + sg + "' is not a security group ID such as sg-0123456789abcdef0");
    }
    HealthCheck healthCheck = healthCheck(spec);
    Tls tls = tls(spec);
    String backendProtocol =
        spec.annotation(BACKEND_PROTOCOL)
            .map(v -> v.strip().toLowerCase(Locale.ROOT))
            .orElse("tcp");
    require(
        backendProtocol.equals("tcp") || backendProtocol.equals("ssl"),
        BACKEND_PROTOCOL,
        "'" + backendProtocol + "' is not supported by an NLB; use tcp or ssl");

    List<ListenerModel> listeners = new ArrayList<>();
    Map<String, TargetGroupModel> groups = new TreeMap<>();
    for (Map.Entry<Integer, List<PortMapping>> entry : byPort(spec.ports()).entrySet()) {
      ListenerModel listener =
          listener(
              spec,
              entry.getKey(),
              entry.getValue(),
              tls,
              backendProtocol,
              healthCheck,
              tgAttributes);
      listeners.add(listener);
      groups.put(listener.targetGroup().name(), listener.targetGroup());
    }
    List<Cidr> sources = sourceRanges(spec);
    SortedSet<IngressRule> rules = new TreeSet<>();
    for (ListenerModel listener : listeners) {
      for (String protocol : ipProtocols(listener.protocol())) {
        for (Cidr cidr : sources) {
          rules.add(new IngressRule(protocol, listener.port(), listener.port(), cidrText(cidr)));
        }
      }
    }
    for (Cidr cidr : sources) {
      if (cidr.family() == IpFamily.IPV4) {
        // Path MTU discovery: "fragmentation needed" must reach the NLB.
        rules.add(new IngressRule("icmp", 3, 4, cidrText(cidr)));
      }
    }
    Map<String, String> nodeLabels = keyValues(spec, TARGET_NODE_LABELS);
    SortedSet<String> targets = new TreeSet<>();
    List<String> skipped = new ArrayList<>();
    for (BackendNode node : spec.backends()) {
      if (!node.labels().entrySet().containsAll(nodeLabels.entrySet())) {
        continue;
      }
      Optional<String> instance = instanceId(node.providerId());
      if (instance.isPresent()) {
        targets.add(instance.get());
      } else {
        skipped.add(node.name());
      }
    }
    String lbName = Names.loadBalancer(cluster, spec.service());
    return new NlbModel(
        spec.service(),
        lbName,
        internal,
        subnets,
        eips,
        privateIps,
        tags,
        crossZone,
        listeners,
        List.copyOf(groups.values()),
        byo,
        Names.frontendSecurityGroup(lbName),
        rules,
        targets,
        skipped,
        requestsNlb(spec)
            ? Optional.of(UpstreamNames.loadBalancerName(spec.service()))
            : Optional.empty());
  }

  /**
   * The EC2 instance ID in a node's {@code spec.providerID}.
   *
   * @param providerId such as {@code aws:///eu-west-1a/i-0abc}
   * @return the instance ID, if it is an AWS provider ID
   */
  public static Optional<String> instanceId(String providerId) {
    Matcher m = PROVIDER_ID.matcher(providerId);
    if (m.matches()) {
      return Optional.of(m.group(1));
    }
    return BARE_INSTANCE.matcher(providerId).matches() ? Optional.of(providerId) : Optional.empty();
  }

  private static void checkType(LoadBalancerSpec spec) {
    Optional<String> type = spec.annotation(TYPE).map(v -> v.strip().toLowerCase(Locale.ROOT));
    if (type.isEmpty() || type.get().equals("nlb")) {
      return;
    }
    if (implementedElsewhere(spec)) {
      throw new UnsupportedFeatureException(
          TYPE
              + ": \""
              + type.get()
              + "\" hands this Service to another controller"
              + " (aws-load-balancer-controller); Fairlead creates nothing for it");
    }
    throw new UnsupportedFeatureException(
        TYPE
            + ": \""
            + type.get()
            + "\" is not supported; use nlb (the default here), or"
            + " external / nlb-ip for aws-load-balancer-controller");
  }

  private static Subnets subnets(LoadBalancerSpec spec) {
    List<String> refs = list(spec, SUBNETS);
    if (refs.isEmpty()) {
      require(spec.annotation(SUBNETS).isEmpty(), SUBNETS, "lists no subnet");
      return new Subnets.Discover();
    }
    for (String ref : refs) {
      require(
          ref.startsWith("subnet-") ? SUBNET_ID.matcher(ref).matches() : !ref.isBlank(),
          SUBNETS,
          "'" + ref + "' is neither a subnet ID nor a Name tag");
    }
    return new Subnets.Named(refs);
  }

  private Map<String, String> ownershipTags(LoadBalancerSpec spec) {
    Map<String, String> tags = new TreeMap<>(keyValues(spec, ADDITIONAL_TAGS));
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      require(
          tag.getKey().length() <= 128 && !tag.getKey().startsWith("aws:"),
          ADDITIONAL_TAGS,
          "tag key '" + tag.getKey() + "' is longer than 128 characters or starts with aws:");
      require(
          tag.getValue().length() <= 256,
          ADDITIONAL_TAGS,
          "the value of tag '" + tag.getKey() + "' is longer than 256 characters");
      require(
          !tag.getKey().startsWith("kubernetes.io/") && !tag.getKey().startsWith("fairlead.dev/"),
          ADDITIONAL_TAGS,
          "tag key '" + tag.getKey() + "' is reserved for ownership tags");
    }
    require(tags.size() <= 35, ADDITIONAL_TAGS, "at most 35 tags, got " + tags.size());
    tags.put(NlbModel.CLUSTER_TAG_PREFIX + cluster, "owned");
    tags.put(NlbModel.SERVICE_NAME_TAG, spec.service().qualifiedName());
    tags.put(NlbModel.SERVICE_UID_TAG, spec.service().uid());
    return tags;
  }

  private static HealthCheck healthCheck(LoadBalancerSpec spec) {
    boolean local = spec.trafficPolicy() instanceof TrafficPolicy.Local;
    String protocol = local ? "HTTP" : "TCP";
    String port =
        local
            ? Integer.toString(((TrafficPolicy.Local) spec.trafficPolicy()).healthCheckNodePort())
            : "traffic-port";
    Optional<String> path = local ? Optional.of("/healthz") : Optional.empty();
    int interval = local ? 10 : 30;
    int timeout = 10;
    int healthy = local ? 2 : 3;
    int unhealthy = local ? 2 : 3;

    Optional<String> protoOverride =
        spec.annotation(HC_PROTOCOL).map(v -> v.strip().toUpperCase(Locale.ROOT));
    if (protoOverride.isPresent()) {
      require(
          Set.of("TCP", "HTTP", "HTTPS").contains(protoOverride.get()),
          HC_PROTOCOL,
          "'" + protoOverride.get().toLowerCase(Locale.ROOT) + "' must be tcp, http or https");
      protocol = protoOverride.get();
      if (protocol.equals("TCP")) {
        path = Optional.empty();
      } else if (path.isEmpty()) {
        path = Optional.of("/");
      }
    }
    Optional<String> portOverride = spec.annotation(HC_PORT).map(String::strip);
    if (portOverride.isPresent()) {
      if (!portOverride.get().equals("traffic-port")) {
        int value = integer(HC_PORT, portOverride.get(), 1, 65535);
        port = Integer.toString(value);
      } else {
        port = "traffic-port";
      }
    }
    Optional<String> pathOverride = spec.annotation(HC_PATH).map(String::strip);
    if (pathOverride.isPresent()) {
      require(
          pathOverride.get().startsWith("/") && pathOverride.get().length() <= 1024,
          HC_PATH,
          "'" + pathOverride.get() + "' must be an absolute path such as /healthz");
      if (!protocol.equals("TCP")) {
        path = pathOverride;
      }
    }
    interval =
        spec.annotation(HC_INTERVAL).map(v -> integer(HC_INTERVAL, v, 5, 300)).orElse(interval);
    timeout = spec.annotation(HC_TIMEOUT).map(v -> integer(HC_TIMEOUT, v, 2, 120)).orElse(timeout);
    healthy = spec.annotation(HC_HEALTHY).map(v -> integer(HC_HEALTHY, v, 2, 10)).orElse(healthy);
    unhealthy =
        spec.annotation(HC_UNHEALTHY).map(v -> integer(HC_UNHEALTHY, v, 2, 10)).orElse(unhealthy);
    require(
        timeout < interval || spec.annotation(HC_TIMEOUT).isEmpty(),
        HC_TIMEOUT,
        "the timeout (" + timeout + "s) must be shorter than the interval (" + interval + "s)");
    if (timeout >= interval) {
      timeout = Math.max(2, interval - 1);
    }
    return new HealthCheck(protocol, port, path, interval, timeout, healthy, unhealthy);
  }

  private record Tls(
      Optional<String> certificate, Set<String> ports, boolean all, Optional<String> policy) {
    boolean appliesTo(PortMapping port) {
      return certificate.isPresent()
          && (all || ports.contains(Integer.toString(port.port())) || ports.contains(port.name()));
    }
  }

  private static Tls tls(LoadBalancerSpec spec) {
    Optional<String> cert = spec.annotation(SSL_CERT).map(String::strip).filter(v -> !v.isEmpty());
    cert.ifPresent(
        c ->
            require(
                c.startsWith("arn:"),
                SSL_CERT,
                "'" + c + "' is not a certificate ARN (arn:aws:acm:...)"));
    List<String> ports = list(spec, SSL_PORTS);
    boolean all = ports.isEmpty() || ports.contains("*");
    require(
        cert.isPresent() || spec.annotation(SSL_PORTS).isEmpty(),
        SSL_PORTS,
        "is set but " + SSL_CERT + " is not");
    for (String port : ports) {
      require(
          port.equals("*")
              || spec.ports().stream()
                  .anyMatch(p -> p.name().equals(port) || Integer.toString(p.port()).equals(port)),
          SSL_PORTS,
          "'" + port + "' names no port of the Service");
    }
    Optional<String> policy =
        spec.annotation(SSL_POLICY).map(String::strip).filter(v -> !v.isEmpty());
    require(cert.isPresent() || policy.isEmpty(), SSL_POLICY, "is set but " + SSL_CERT + " is not");
    return new Tls(cert, Set.copyOf(ports), all, policy);
  }

  private static Map<Integer, List<PortMapping>> byPort(List<PortMapping> ports) {
    Map<Integer, List<PortMapping>> byPort = new TreeMap<>();
    for (PortMapping port : ports) {
      byPort.computeIfAbsent(port.port(), p -> new ArrayList<>()).add(port);
    }
    return byPort;
  }

  private ListenerModel listener(
      LoadBalancerSpec spec,
      int port,
      List<PortMapping> mappings,
      Tls tls,
      String backendProtocol,
      HealthCheck healthCheck,
      Map<String, String> attributes) {
    for (PortMapping mapping : mappings) {
      if (mapping.protocol() == Protocol.SCTP) {
        throw new UnsupportedFeatureException(
            "protocol SCTP (port " + mapping.label() + ") is not supported by AWS NLBs");
      }
      if (mapping.nodePort() == 0) {
        throw new UnsupportedFeatureException(
            "port "
                + mapping.label()
                + " has no nodePort (allocateLoadBalancerNodePorts: false);"
                + " NLB instance targets need node ports");
      }
    }
    String listenerProtocol;
    String targetProtocol;
    int nodePort = mappings.getFirst().nodePort();
    PortMapping first = mappings.getFirst();
    boolean useTls = mappings.stream().anyMatch(tls::appliesTo);
    if (mappings.size() == 2) {
      if (mappings.get(0).nodePort() != mappings.get(1).nodePort()) {
        throw new UnsupportedFeatureException(
            "TCP and UDP on port "
                + port
                + " need the same nodePort to share an NLB TCP_UDP"
                + " listener, got "
                + mappings.get(0).nodePort()
                + " and "
                + mappings.get(1).nodePort());
      }
      if (useTls && !tls.all) {
        throw new UnsupportedFeatureException(
            SSL_PORTS + ": port " + port + " carries TCP and UDP, and TLS cannot terminate UDP");
      }
      listenerProtocol = "TCP_UDP";
      targetProtocol = "TCP_UDP";
      useTls = false;
    } else if (first.protocol() == Protocol.UDP) {
      if (useTls && !tls.all) {
        throw new UnsupportedFeatureException(
            SSL_PORTS + ": port " + first.label() + " is UDP, and TLS cannot terminate UDP");
      }
      listenerProtocol = "UDP";
      targetProtocol = "UDP";
      useTls = false;
    } else if (useTls) {
      listenerProtocol = "TLS";
      targetProtocol = backendProtocol.equals("ssl") ? "TLS" : "TCP";
    } else {
      listenerProtocol = "TCP";
      targetProtocol = backendProtocol.equals("ssl") ? "TLS" : "TCP";
    }
    String settings =
        port
            + "|"
            + targetProtocol
            + "|"
            + nodePort
            + "|"
            + healthCheck.canonical()
            + "|"
            + new TreeMap<>(attributes);
    TargetGroupModel group =
        new TargetGroupModel(
            Names.targetGroup(cluster, spec.service(), settings),
            targetProtocol,
            nodePort,
            healthCheck,
            attributes);
    return new ListenerModel(
        port,
        listenerProtocol,
        group,
        useTls ? tls.certificate : Optional.empty(),
        useTls ? tls.policy : Optional.empty());
  }

  /** The CIDR as EC2 reports it: IPv6 in the RFC 5952 compressed form. */
  static String cidrText(Cidr cidr) {
    return IpLiteral.format(cidr.address()) + "/" + cidr.prefixLength();
  }

  private static List<String> ipProtocols(String listenerProtocol) {
    return switch (listenerProtocol) {
      case "UDP" -> List.of("udp");
      case "TCP_UDP" -> List.of("tcp", "udp");
      default -> List.of("tcp");
    };
  }

  private static List<Cidr> sourceRanges(LoadBalancerSpec spec) {
    if (!spec.sourceRanges().isEmpty()) {
      return spec.sourceRanges();
    }
    List<String> raw = list(spec, SOURCE_RANGES);
    if (raw.isEmpty()) {
      return List.of(Cidr.parse("0.0.0.0/0"));
    }
    List<Cidr> parsed = new ArrayList<>();
    for (String text : raw) {
      try {
        parsed.add(Cidr.parse(text));
      } catch (IllegalArgumentException e) {
        throw new UnsupportedFeatureException(SOURCE_RANGES + ": " + e.getMessage());
      }
    }
    return parsed;
  }

  private static List<String> list(LoadBalancerSpec spec, String annotation) {
    return spec.annotation(annotation)
        .map(
            v ->
                List.of(v.split(",")).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList())
        .orElse(List.of());
  }

  private static Map<String, String> keyValues(LoadBalancerSpec spec, String annotation) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String item : list(spec, annotation)) {
      int eq = item.indexOf('=');
      require(eq > 0, annotation, "'" + item + "' is not key=value");
      String key = item.substring(0, eq).strip();
      require(
          !key.isEmpty() && values.put(key, item.substring(eq + 1).strip()) == null,
          annotation,
          "key '" + key + "' appears twice");
    }
    return values;
  }

  private static boolean bool(String annotation, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new UnsupportedFeatureException(
              annotation + ": '" + value + "' must be true or false");
    };
  }

  private static int integer(String annotation, String value, int min, int max) {
    int parsed;
    try {
      parsed = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new UnsupportedFeatureException(annotation + ": '" + value + "' is not a number");
    }
    require(
        parsed >= min && parsed <= max, annotation, parsed + " is outside " + min + " to " + max);
    return parsed;
  }

  private static boolean isIpv4(String text) {
    if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false;
    }
    try {
      return InetAddress.ofLiteral(text) instanceof Inet4Address;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void require(boolean condition, String annotation, String problem) {
    if (!condition) {
      throw new UnsupportedFeatureException(annotation + ": " + problem);
    }
  }

  /** The values one target group attribute accepts. */
  private record AttributeRule(String expected, java.util.function.Predicate<String> test) {
    static final AttributeRule BOOLEAN = oneOf("true", "false");

    static AttributeRule oneOf(String... values) {
      List<String> allowed = List.of(values);
      return new AttributeRule(String.join(" or ", allowed), allowed::contains);
    }

    static AttributeRule range(int min, int max) {
      return new AttributeRule(
          "a whole number from " + min + " to " + max,
          v -> v.matches("\\d{1,9}") && Integer.parseInt(v) >= min && Integer.parseInt(v) <= max);
    }

    boolean accepts(String value) {
      return test.test(value);
    }
  }
}
