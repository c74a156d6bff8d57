package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --provider-config} of the gcp provider.
 *
 * @param project the project id
 * @param region the region of the load balancers
 * @param network the VPC network name
 * @param subnetwork the subnetwork of internal load balancers (by name, in {@code region})
 * @param nodeTags the network tags firewall rules target; empty: the instances' own first tags
 * @param endpoint an endpoint override (the simulator); empty: Compute with Application Default
 *     Credentials
 * @param apiCallsPerSecond the client-side rate limit of all Compute calls
 * @param maxThrottleDelay the cap of the shared delay that throttling builds up
 * @param operationTimeout how long one operation may run before ensure answers RetryLater
 */
public record GcpSettings(
    String project,
    String region,
    String network,
    String subnetwork,
    List<String> nodeTags,
    Optional<URI> endpoint,
    int apiCallsPerSecond,
    Duration maxThrottleDelay,
    Duration operationTimeout) {

  private static final String NAME = "[a-z]([-a-z0-9]{0,61}[a-z0-9])?";

  /** Copies the tags. */
  public GcpSettings {
    Objects.requireNonNull(project, "project");
    nodeTags = List.copyOf(nodeTags);
  }

  /**
   * Reads and validates the settings; every problem names its key.
   *
   * @param settings the flat settings
   * @return the settings
   * @throws ProviderConfigurationException naming the key at fault
   */
  public static GcpSettings parse(ProviderSettings settings) {
    // The items of a YAML list, nodeTags[0], nodeTags[1], ..., are read below; every other key must be known.
    java.util.Map<String, String> scalars = new java.util.HashMap<>(settings.values());
    scalars.keySet().removeIf(k -> k.matches("nodeTags\\[\\d+]"));
    ProviderSettings.of(scalars).rejectUnknownKeys(Set.of("project", "region", "network", "subnetwork", "nodeTags",
        "endpoint", "apiCallsPerSecond", "maxThrottleDelay", "operationTimeout"));
    Set<String> listKeys = settings.values().keySet();
    String project = settings.required("project");
    if (!project.matches("[a-z][-a-z0-9.:]{4,61}[a-z0-9]")) {
      throw new ProviderConfigurationException("setting 'project' must be a project id such as my-project-123, got '"
          + project + "'");
    }
    String region = settings.required("region");
    if (!region.matches("[a-z]+-[a-z]+[0-9]+")) {
      throw new ProviderConfigurationException("setting 'region' must be a region such as europe-west1, got '"
          + region + "'");
    }
    String network = name(settings, "network", "default");
    String subnetwork = name(settings, "subnetwork", network);
    List<String> tags = new java.util.ArrayList<>();
    settings.optional("nodeTags").ifPresent(raw -> tags.addAll(Arrays.stream(raw.split(",")).map(String::strip)
        .filter(t -> !t.isEmpty()).toList()));
    listKeys.stream().filter(k -> k.startsWith("nodeTags[")).sorted()
        .forEach(k -> settings.optional(k).ifPresent(tags::add));
    for (String tag : tags) {
      if (!tag.matches(NAME)) {
        throw new ProviderConfigurationException("setting 'nodeTags': '" + tag + "' is not a network tag (a-z, 0-9, '-')");
      }
    }
    Optional<URI> endpoint = settings.optional("endpoint").map(raw -> {
      try {
        URI uri = URI.create(raw);
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
          throw new IllegalArgumentException("not http(s)");
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new ProviderConfigurationException("setting 'endpoint' must be an http(s) URL such as http://127.0.0.1:8085, got '"
            + raw + "'");
      }
    });
    return new GcpSettings(project, region, network, subnetwork, tags, endpoint,
        settings.integer("apiCallsPerSecond", 10, 1, 1000),
        settings.duration("maxThrottleDelay", Duration.ofSeconds(30)),
        settings.duration("operationTimeout", Duration.ofMinutes(5)));
  }

  private static String name(ProviderSettings settings, String key, String defaultValue) {
    String value = settings.optional(key).orElse(defaultValue);
    if (!value.matches(NAME)) {
      throw new ProviderConfigurationException("setting '" + key + "' must be a resource name (a-z, 0-9, '-'), got '"
          + value + "'");
    }
    return value;
  }
}
