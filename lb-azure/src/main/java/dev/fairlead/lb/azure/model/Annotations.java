package dev.fairlead.lb.azure.model;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.PortMapping;
import dev.fairlead.lb.api.UnsupportedFeatureException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the upstream {@code service.beta.kubernetes.io/azure-*} annotations with their upstream
 * meaning. An invalid value fails with an {@link UnsupportedFeatureException} that names the
 * annotation and says what is wrong, before anything is sent to Azure.
 */
public final class Annotations {
  /** The common prefix. */
  public static final String PREFIX = "service.beta.kubernetes.io/";
  public static final String INTERNAL = PREFIX + "azure-load-balancer-internal";
  public static final String INTERNAL_SUBNET = PREFIX + "azure-load-balancer-internal-subnet";
  public static final String RESOURCE_GROUP = PREFIX + "azure-load-balancer-resource-group";
  public static final String PIP_NAME = PREFIX + "azure-pip-name";
  public static final String DNS_LABEL = PREFIX + "azure-dns-label-name";
  public static final String PIP_TAGS = PREFIX + "azure-pip-tags";
  public static final String IDLE_TIMEOUT = PREFIX + "azure-load-balancer-tcp-idle-timeout";
  public static final String DISABLE_TCP_RESET = PREFIX + "azure-load-balancer-disable-tcp-reset";
  public static final String DISABLE_FLOATING_IP = PREFIX + "azure-disable-load-balancer-floating-ip";
  public static final String PROBE_PROTOCOL = PREFIX + "azure-load-balancer-health-probe-protocol";
  public static final String PROBE_INTERVAL = PREFIX + "azure-load-balancer-health-probe-interval";
  public static final String PROBE_COUNT = PREFIX + "azure-load-balancer-health-probe-num-of-probe";
  public static final String PROBE_PATH = PREFIX + "azure-load-balancer-health-probe-request-path";
  public static final String SERVICE_TAGS = PREFIX + "azure-allowed-service-tags";
  public static final String IP_RANGES = PREFIX + "azure-allowed-ip-ranges";
  public static final String SHARED_RULE = PREFIX + "azure-shared-securityrule";
  public static final String IPV4 = PREFIX + "azure-load-balancer-ipv4";

  private static final Pattern PER_PORT = Pattern.compile(Pattern.quote(PREFIX) + "port_(\\d+)_(.+)");
  private static final Pattern RESOURCE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?");
  private static final Pattern GROUP_NAME = Pattern.compile("[-\\w._()]{0,89}[-\\w_()]");
  private static final Pattern DNS = Pattern.compile("[a-z][a-z0-9-]{1,61}[a-z0-9]");
  private static final Pattern SERVICE_TAG = Pattern.compile("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z0-9]+)*");

  private Annotations() {}

  /**
   * Parses the annotations of a Service.
   *
   * @param annotations the Service's annotations; keys outside the Azure set are ignored
   * @param ports the Service's ports, which per-port annotations must name
   * @return the options
   * @throws UnsupportedFeatureException naming the first invalid annotation
   */
  public static ServiceOptions parse(Map<String, String> annotations, List<PortMapping> ports) {
    Map<String, String> a = annotations;
    boolean internal = bool(a, INTERNAL, false);
    Optional<String> subnet = name(a, INTERNAL_SUBNET, RESOURCE_NAME, "a subnet name");
    if (subnet.isPresent() && !internal) {
      throw invalid(INTERNAL_SUBNET, subnet.get(), "needs " + INTERNAL + ": \"true\"");
    }
    Optional<String> group = name(a, RESOURCE_GROUP, GROUP_NAME, "a resource group name");
    Optional<String> pipName = name(a, PIP_NAME, RESOURCE_NAME, "a public IP name (1 to 80 letters, digits, '.', '-', '_')");
    Optional<String> dns = name(a, DNS_LABEL, DNS,
        "a DNS label: lower-case letters, digits and '-', 3 to 63 long, starting with a letter");
    if (internal) {
      for (String publicOnly : List.of(PIP_NAME, DNS_LABEL, PIP_TAGS)) {
        if (a.containsKey(publicOnly)) {
          throw invalid(publicOnly, a.get(publicOnly), "applies to public load balancers, but " + INTERNAL
              + " is \"true\"");
        }
      }
    }
    Map<String, String> tags = tags(a);
    int idle = integer(a, IDLE_TIMEOUT, 4, 4, 100);
    boolean tcpReset = !bool(a, DISABLE_TCP_RESET, false);
    boolean floating = !bool(a, DISABLE_FLOATING_IP, false);
    ServiceOptions.ProbeSettings probe = new ServiceOptions.ProbeSettings(probeProtocol(a, PROBE_PROTOCOL),
        Optional.empty(), optionalInt(a, PROBE_INTERVAL, 5, 300), optionalInt(a, PROBE_COUNT, 2, 100),
        path(a, PROBE_PATH));
    checkProbeWindow(probe, PROBE_INTERVAL);

    Map<Integer, Map<String, String>> perPort = new HashMap<>();
    for (Map.Entry<String, String> e : a.entrySet()) {
      Matcher m = PER_PORT.matcher(e.getKey());
      if (m.matches()) {
        int port;
        try {
          port = Integer.parseInt(m.group(1));
        } catch (NumberFormatException ex) {
          throw invalid(e.getKey(), e.getValue(), "names port " + m.group(1) + ", which is not a port number");
        }
        if (ports.stream().noneMatch(p -> p.port() == port)) {
          throw invalid(e.getKey(), e.getValue(), "names port " + port + ", which the Service does not have");
        }
        perPort.computeIfAbsent(port, k -> new HashMap<>()).put(m.group(2), e.getKey());
      }
    }
    Map<Integer, ServiceOptions.ProbeSettings> portProbes = new LinkedHashMap<>();
    Set<Integer> noRule = new HashSet<>();
    Set<Integer> noProbe = new HashSet<>();
    for (Map.Entry<Integer, Map<String, String>> e : perPort.entrySet()) {
      int port = e.getKey();
      Map<String, String> keys = e.getValue();
      for (Map.Entry<String, String> k : keys.entrySet()) {
        if (!Set.of("health-probe_protocol", "health-probe_port", "health-probe_interval",
            "health-probe_num-of-probe", "health-probe_request-path", "no_lb_rule", "no_probe_rule")
            .contains(k.getKey())) {
          throw invalid(k.getValue(), a.get(k.getValue()), "is not a known per-port setting (health-probe_protocol,"
              + " health-probe_port, health-probe_interval, health-probe_num-of-probe, health-probe_request-path,"
              + " no_lb_rule, no_probe_rule)");
        }
      }
      if (keys.containsKey("no_lb_rule") && bool(a, keys.get("no_lb_rule"), false)) {
        noRule.add(port);
      }
      if (keys.containsKey("no_probe_rule") && bool(a, keys.get("no_probe_rule"), false)) {
        noProbe.add(port);
      }
      String portKey = keys.get("health-probe_port");
      Optional<String> probePort = portKey == null ? Optional.empty() : Optional.of(a.get(portKey).strip());
      probePort.ifPresent(value -> {
        boolean known = ports.stream().anyMatch(p -> p.name().equals(value) || Integer.toString(p.port()).equals(value));
        boolean number = value.matches("\\d{1,5}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 65535;
        if (!known && !number) {
          throw invalid(portKey, value, "must be a port number or the name or port of one of the Service's ports");
        }
      });
      ServiceOptions.ProbeSettings settings = new ServiceOptions.ProbeSettings(
          keys.containsKey("health-probe_protocol") ? probeProtocol(a, keys.get("health-probe_protocol")) : Optional.empty(),
          probePort,
          keys.containsKey("health-probe_interval") ? optionalInt(a, keys.get("health-probe_interval"), 5, 300)
              : OptionalInt.empty(),
          keys.containsKey("health-probe_num-of-probe") ? optionalInt(a, keys.get("health-probe_num-of-probe"), 2, 100)
              : OptionalInt.empty(),
          keys.containsKey("health-probe_request-path") ? path(a, keys.get("health-probe_request-path"))
              : Optional.empty());
      checkProbeWindow(settings, keys.getOrDefault("health-probe_interval", PROBE_INTERVAL));
      portProbes.put(port, settings);
    }
    List<String> serviceTags = list(a, SERVICE_TAGS).stream().map(t -> {
      if (!SERVICE_TAG.matcher(t).matches()) {
        throw invalid(SERVICE_TAGS, a.get(SERVICE_TAGS), "'" + t + "' is not a service tag such as AzureFrontDoor.Backend");
      }
      return t;
    }).toList();
    List<String> ranges = list(a, IP_RANGES).stream().map(r -> {
      try {
        Cidr cidr = Cidr.parse(r);
        if (!(cidr.address() instanceof Inet4Address)) {
          throw invalid(IP_RANGES, a.get(IP_RANGES), "'" + r + "' is not an IPv4 range; this provider serves IPv4");
        }
        return cidr.toString();
      } catch (IllegalArgumentException e) {
        throw invalid(IP_RANGES, a.get(IP_RANGES), "'" + r + "' is not a CIDR such as 203.0.113.0/24");
      }
    }).toList();
    boolean shared = bool(a, SHARED_RULE, true);
    Optional<String> ipv4 = Optional.ofNullable(a.get(IPV4)).map(String::strip).filter(v -> !v.isEmpty()).map(v -> {
      try {
        InetAddress address = InetAddress.ofLiteral(v);
        if (!(address instanceof Inet4Address)) {
          throw new IllegalArgumentException();
        }
        return address.getHostAddress();
      } catch (IllegalArgumentException e) {
        throw invalid(IPV4, v, "is not an IPv4 address");
      }
    });
    return new ServiceOptions(internal, subnet, group, pipName, dns, tags, idle, tcpReset, floating, probe,
        portProbes, noRule, noProbe, serviceTags, ranges, shared, ipv4);
  }

  private static void checkProbeWindow(ServiceOptions.ProbeSettings probe, String key) {
    if (probe.intervalSeconds().isPresent() && probe.numberOfProbes().isPresent()
        && probe.intervalSeconds().getAsInt() * probe.numberOfProbes().getAsInt() > 120) {
      throw new UnsupportedFeatureException("annotation " + key + ": the probe interval times the number of"
          + " probes must be at most 120 seconds, got " + probe.intervalSeconds().getAsInt() + " x "
          + probe.numberOfProbes().getAsInt());
    }
  }

  private static Map<String, String> tags(Map<String, String> a) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : list(a, PIP_TAGS)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq).strip();
      String value = eq < 0 ? "" : pair.substring(eq + 1).strip();
      if (key.isEmpty() || key.length() > 512 || value.length() > 256 || key.matches(".*[<>%&\\\\?/].*")) {
        throw invalid(PIP_TAGS, a.get(PIP_TAGS), "'" + pair + "' must be key=value with a key of 1 to 512 characters"
            + " without <>%&\\?/ and a value of at most 256");
      }
      if (key.equalsIgnoreCase(Names.SERVICE_TAG) || key.equalsIgnoreCase(Names.CLUSTER_TAG)) {
        throw invalid(PIP_TAGS, a.get(PIP_TAGS), "'" + key + "' is set by the controller and cannot be overridden");
      }
      out.put(key, value);
    }
    return out;
  }

  private static List<String> list(Map<String, String> a, String key) {
    String raw = a.get(key);
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : raw.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }

  private static Optional<String> name(Map<String, String> a, String key, Pattern pattern, String what) {
    String raw = a.get(key);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    String value = raw.strip();
    if (!pattern.matcher(value).matches()) {
      throw invalid(key, raw, "must be " + what);
    }
    return Optional.of(value);
  }

  private static boolean bool(Map<String, String> a, String key, boolean defaultValue) {
    String raw = a.get(key);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    return switch (raw.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, raw, "must be \"true\" or \"false\"");
    };
  }

  private static int integer(Map<String, String> a, String key, int defaultValue, int min, int max) {
    return optionalInt(a, key, min, max).orElse(defaultValue);
  }

  private static OptionalInt optionalInt(Map<String, String> a, String key, int min, int max) {
    String raw = a.get(key);
    if (raw == null || raw.isBlank()) {
      return OptionalInt.empty();
    }
    try {
      int value = Integer.parseInt(raw.strip());
      if (value < min || value > max) {
        throw invalid(key, raw, "must be between " + min + " and " + max);
      }
      return OptionalInt.of(value);
    } catch (NumberFormatException e) {
      throw invalid(key, raw, "is not a number between " + min + " and " + max);
    }
  }

  private static Optional<String> probeProtocol(Map<String, String> a, String key) {
    String raw = a.get(key);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    return switch (raw.strip().toLowerCase(Locale.ROOT)) {
      case "tcp" -> Optional.of("Tcp");
      case "http" -> Optional.of("Http");
      case "https" -> Optional.of("Https");
      default -> throw invalid(key, raw, "must be Tcp, Http or Https");
    };
  }

  private static Optional<String> path(Map<String, String> a, String key) {
    String raw = a.get(key);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    String value = raw.strip();
    if (!value.startsWith("/") || value.contains(" ")) {
      throw invalid(key, raw, "must be an HTTP path starting with '/'");
    }
    return Optional.of(value);
  }

  private static UnsupportedFeatureException invalid(String key, String value, String why) {
    return new UnsupportedFeatureException("annotation " + key + ": '" + value + "' " + why);
  }
}
