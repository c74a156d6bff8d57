package dev.fairlead.sim.azure;

import java.util.Locale;
import java.util.Optional;

/**
 * A top-level ARM resource id, {@code /subscriptions/S/resourceGroups/G/providers/P/TYPE/NAME}.
 * ARM compares ids without regard to case, so {@link #key()} is the lower-case form; the
 * original spelling is kept for answers.
 *
 * @param subscription the subscription id
 * @param resourceGroup the resource group name
 * @param provider the provider namespace, such as {@code Microsoft.Network}
 * @param type the resource type, such as {@code loadBalancers}
 * @param name the resource name
 */
record ResourceId(String subscription, String resourceGroup, String provider, String type, String name) {

  /**
   * Parses a reference such as {@code {"id": "/subscriptions/..."}}. Clients may send it against
   * any host (the JS SDK sends ids, gcloud-style full URLs do not occur in ARM), so only the path
   * form is accepted; child parts after the name are returned separately by {@link #parseChild}.
   *
   * @param id the id
   * @return the resource id, if it has the top-level shape
   */
  static Optional<ResourceId> parse(String id) {
    if (id == null) {
      return Optional.empty();
    }
    String[] p = id.startsWith("/") ? id.substring(1).split("/") : id.split("/");
    if (p.length < 8
        || !p[0].equalsIgnoreCase("subscriptions")
        || !p[2].equalsIgnoreCase("resourceGroups")
        || !p[4].equalsIgnoreCase("providers")) {
      return Optional.empty();
    }
    return Optional.of(new ResourceId(p[1], p[3], p[5], p[6], p[7]));
  }

  /**
   * The child part of a sub-resource id, such as {@code backendAddressPools/pool} of {@code
   * .../loadBalancers/lb/backendAddressPools/pool}.
   *
   * @param id the id
   * @return the collection and name, if the id names a child
   */
  static Optional<String[]> parseChild(String id) {
    String[] p = id.startsWith("/") ? id.substring(1).split("/") : id.split("/");
    if (p.length != 10) {
      return Optional.empty();
    }
    return Optional.of(new String[] {p[8], p[9]});
  }

  /**
   * The canonical id string.
   *
   * @return {@code /subscriptions/...}
   */
  String id() {
    return "/subscriptions/"
        + subscription
        + "/resourceGroups/"
        + resourceGroup
        + "/providers/"
        + provider
        + "/"
        + type
        + "/"
        + name;
  }

  /**
   * The case-insensitive key of this resource.
   *
   * @return the lower-case id
   */
  String key() {
    return id().toLowerCase(Locale.ROOT);
  }

  /**
   * The key of this resource's group.
   *
   * @return {@code /subscriptions/s/resourcegroups/g} in lower case
   */
  String groupKey() {
    return groupKey(subscription, resourceGroup);
  }

  static String groupKey(String subscription, String resourceGroup) {
    return ("/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup)
        .toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return id();
  }
}
