package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.BackendNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Compute instance behind a Node, from its providerID {@code gce://<project>/<zone>/<instance>}.
 *
 * @param project the project
 * @param zone the zone
 * @param name the instance name
 */
public record InstanceRef(String project, String zone, String name) implements Comparable<InstanceRef> {
  private static final Pattern PROVIDER_ID = Pattern.compile("gce://([^/]+)/([a-z]+-[a-z]+[0-9]+-[a-z])/([a-z]([-a-z0-9]*[a-z0-9])?)");
  private static final Pattern LINK = Pattern.compile(".*projects/([^/]+)/zones/([^/]+)/instances/([^/]+)");

  /**
   * The instance of a node.
   *
   * @param node the node
   * @return the instance, or empty if the providerID is not a GCE one
   */
  public static Optional<InstanceRef> of(BackendNode node) {
    Matcher m = PROVIDER_ID.matcher(node.providerId());
    return m.matches() ? Optional.of(new InstanceRef(m.group(1), m.group(2), m.group(3))) : Optional.empty();
  }

  /**
   * Parses an instance URL on any host ({@code .../projects/p/zones/z/instances/n}).
   *
   * @param link the URL
   * @return the instance, or empty
   */
  public static Optional<InstanceRef> fromLink(String link) {
    Matcher m = LINK.matcher(link);
    return m.matches() ? Optional.of(new InstanceRef(m.group(1), m.group(2), m.group(3))) : Optional.empty();
  }

  /**
   * The relative resource path the API accepts as a reference.
   *
   * @return {@code projects/p/zones/z/instances/n}
   */
  public String path() {
    return "projects/" + project + "/zones/" + zone + "/instances/" + name;
  }

  /**
   * The region of the zone.
   *
   * @return such as {@code us-central1} for {@code us-central1-a}
   */
  public String region() {
    return zone.substring(0, zone.lastIndexOf('-'));
  }

  @Override
  public int compareTo(InstanceRef other) {
    return path().compareTo(other.path());
  }
}
