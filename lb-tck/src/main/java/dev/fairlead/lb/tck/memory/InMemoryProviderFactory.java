package dev.fairlead.lb.tck.memory;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.tck.memory.InMemoryAddressing.IngressKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Registers the in-memory provider as {@value #NAME}.
 *
 * <p>Providers created through {@link #create(ProviderContext)} share {@link InMemoryCloud#shared()};
 * tests give each provider a cloud of their own with {@link #create(ProviderContext, InMemoryCloud)}.
 * Settings, all optional:
 *
 * <ul>
 *   <li>{@code ingress}: {@code ip} (default) or {@code hostname};
 *   <li>{@code ipv4Range}, {@code ipv6Range}: the address pools, inside documentation ranges;
 *       default {@code 192.0.2.0/24} and {@code 2001:db8::/112};
 *   <li>{@code latency}: sets the latency of the cloud, such as {@code 50ms};
 *   <li>{@code protocols}: comma-separated, default {@code TCP,UDP};
 *   <li>{@code mixedProtocols}, {@code sourceRanges}, {@code localTrafficPolicy}: booleans, default
 *       {@code true};
 *   <li>{@code requestedAddresses}: boolean, default {@code true} for {@code ip} and {@code false}
 *       for {@code hostname}, which has no addresses to request.
 * </ul>
 */
public final class InMemoryProviderFactory implements LoadBalancerProviderFactory {

  /** The provider name. */
  public static final String NAME = "inmemory";

  private static final Set<String> KEYS =
      Set.of(
          "ingress",
          "ipv4Range",
          "ipv6Range",
          "latency",
          "protocols",
          "mixedProtocols",
          "sourceRanges",
          "requestedAddresses",
          "localTrafficPolicy");

  /** Creates the factory; does nothing else. */
  public InMemoryProviderFactory() {}

  /**
   * The provider name.
   *
   * @return {@value #NAME}
   */
  @Override
  public String name() {
    return NAME;
  }

  /**
   * A one-line description.
   *
   * @return the description
   */
  @Override
  public String description() {
    return "In-memory load balancers with documentation addresses, for tests and demos";
  }

  /**
   * Every protocol and feature, both IP families: what the most permissive settings allow.
   *
   * @return the capabilities
   */
  @Override
  public ProviderCapabilities capabilities() {
    return new ProviderCapabilities(
        EnumSet.allOf(Protocol.class), true, true, true, true, EnumSet.allOf(IpFamily.class));
  }

  /**
   * Validates the settings and creates a provider on the shared cloud.
   *
   * @param context the cluster name and settings
   * @return the provider
   * @throws ProviderConfigurationException naming the first invalid setting
   */
  @Override
  public LoadBalancerProvider create(ProviderContext context) {
    return create(context, InMemoryCloud.shared());
  }

  /**
   * Validates the settings and creates a provider on a given cloud.
   *
   * @param context the cluster name and settings
   * @param cloud the cloud the provider keeps its load balancers in
   * @return the provider
   * @throws ProviderConfigurationException naming the first invalid setting
   */
  public LoadBalancerProvider create(ProviderContext context, InMemoryCloud cloud) {
    ProviderSettings settings = context.settings();
    settings.rejectUnknownKeys(KEYS);
    InMemoryAddressing addressing =
        new InMemoryAddressing(
            ingress(settings),
            range(settings, "ipv4Range", IpFamily.IPV4, "192.0.2.0/24"),
            range(settings, "ipv6Range", IpFamily.IPV6, "2001:db8::/112"));
    ProviderCapabilities capabilities = capabilities(settings, addressing.ingress());
    boolean latencySet = settings.optional("latency").isPresent();
    Duration latency = settings.duration("latency", Duration.ZERO);
    if (latencySet) {
      cloud.latency(latency);
    }
    return new InMemoryLoadBalancerProvider(
        cloud, context.clusterName(), capabilities, addressing, context.apiCalls());
  }

  private static IngressKind ingress(ProviderSettings settings) {
    String value = settings.optional("ingress").orElse("ip");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "ip" -> IngressKind.IP;
      case "hostname" -> IngressKind.HOSTNAME;
      default ->
          throw new ProviderConfigurationException(
              "setting 'ingress' must be ip or hostname, got '" + value + "'");
    };
  }

  private static Cidr range(
      ProviderSettings settings, String key, IpFamily family, String defaultValue) {
    String value = settings.optional(key).orElse(defaultValue);
    Cidr range;
    try {
      range = Cidr.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ProviderConfigurationException("setting '" + key + "': " + e.getMessage());
    }
    if (range.family() != family) {
      throw new ProviderConfigurationException(
          "setting '" + key + "' must be an " + family + " range, got '" + value + "'");
    }
    if (!InMemoryAddressing.isDocumentationRange(range)) {
      throw new ProviderConfigurationException(
          "setting '"
              + key
              + "' must lie inside a documentation range (192.0.2.0/24, 198.51.100.0/24,"
              + " 203.0.113.0/24 or 2001:db8::/32), got '"
              + value
              + "'");
    }
    return range;
  }

  private static ProviderCapabilities capabilities(ProviderSettings settings, IngressKind ingress) {
    boolean hostnames = ingress == IngressKind.HOSTNAME;
    boolean requestedAddresses = settings.bool("requestedAddresses", !hostnames);
    if (hostnames && requestedAddresses) {
      throw new ProviderConfigurationException(
          "setting 'requestedAddresses' cannot be true with ingress 'hostname', which publishes"
              + " no addresses");
    }
    return new ProviderCapabilities(
        protocols(settings),
        settings.bool("mixedProtocols", true),
        settings.bool("sourceRanges", true),
        requestedAddresses,
        settings.bool("localTrafficPolicy", true),
        EnumSet.allOf(IpFamily.class));
  }

  private static Set<Protocol> protocols(ProviderSettings settings) {
    String value = settings.optional("protocols").orElse("TCP,UDP");
    Set<Protocol> protocols = EnumSet.noneOf(Protocol.class);
    for (String item : value.split(",")) {
      String name = item.strip().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        protocols.add(Protocol.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new ProviderConfigurationException(
            "setting 'protocols' must list protocols of "
                + Arrays.toString(Protocol.values())
                + " separated by commas, got '"
                + value
                + "'");
      }
    }
    if (protocols.isEmpty()) {
      throw new ProviderConfigurationException("setting 'protocols' must list at least one");
    }
    return protocols;
  }
}
