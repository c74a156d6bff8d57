package dev.fairlead.sim.gcp;

import java.util.Optional;

/**
 * Where a Compute request points, parsed from its path after {@code /compute/v1/}: a project, a
 * scope (global, a region or a zone), a collection, and optionally a resource name and a custom
 * method ({@code addInstance}, {@code wait}).
 *
 * @param project the project id
 * @param scope {@code global}, {@code regions/us-central1} or {@code zones/us-central1-a}
 * @param collection such as {@code forwardingRules}
 * @param name the resource name, or null for the collection
 * @param method the custom method, or null
 */
public record ResourcePath(String project, String scope, String collection, String name, String method) {
  /** What every stored link starts with; replaced by the request's own base URL on output. */
  public static final String LINK_BASE = "{{compute}}/";

  /**
   * The path of the resource or collection, {@code projects/p/regions/r/forwardingRules/x}.
   *
   * @return the canonical path, without the method
   */
  public String path() {
    String collectionPath = "projects/" + project + "/" + scope + "/" + collection;
    return name == null ? collectionPath : collectionPath + "/" + name;
  }

  /**
   * The stored link of this resource or collection.
   *
   * @return {@link #LINK_BASE} plus {@link #path()}
   */
  public String link() {
    return LINK_BASE + path();
  }

  /**
   * The same collection with a resource name.
   *
   * @param resourceName the name
   * @return the resource's path
   */
  public ResourcePath child(String resourceName) {
    return new ResourcePath(project, scope, collection, resourceName, null);
  }

  /**
   * The collection itself.
   *
   * @return the path without name and method
   */
  public ResourcePath collectionPath() {
    return new ResourcePath(project, scope, collection, null, null);
  }

  /**
   * The region, for a regional path.
   *
   * @return the region
   */
  public Optional<String> region() {
    return scope.startsWith("regions/") ? Optional.of(scope.substring(8)) : Optional.empty();
  }

  /**
   * The zone, for a zonal path.
   *
   * @return the zone
   */
  public Optional<String> zone() {
    return scope.startsWith("zones/") ? Optional.of(scope.substring(6)) : Optional.empty();
  }

  /**
   * Turns any reference a client may send (a full URL on any host, {@code projects/...},
   * {@code regions/r/targetPools/x}, {@code global/...}) into the canonical path. gcloud builds
   * URLs on its endpoint override, the Java client on googleapis.com: only the path counts.
   *
   * @param reference the reference
   * @param project the project of the request, for relative references
   * @return such as {@code projects/p/regions/r/targetPools/x}
   */
  public static String canonical(String reference, String project) {
    String ref = reference.strip();
    if (ref.startsWith(LINK_BASE)) {
      return ref.substring(LINK_BASE.length());
    }
    int at = ref.indexOf("projects/");
    if (at >= 0) {
      return ref.substring(at);
    }
    return "projects/" + project + "/" + ref;
  }

  /**
   * Parses a canonical resource path.
   *
   * @param path {@code projects/p/<scope>/<collection>/<name>}
   * @return the parsed path, or empty if it does not name a resource
   */
  public static Optional<ResourcePath> parseResource(String path) {
    String[] s = path.split("/");
    if (s.length == 5 && s[0].equals("projects") && s[2].equals("global")) {
      return Optional.of(new ResourcePath(s[1], "global", s[3], s[4], null));
    }
    if (s.length == 6 && s[0].equals("projects") && (s[2].equals("regions") || s[2].equals("zones"))) {
      return Optional.of(new ResourcePath(s[1], s[2] + "/" + s[3], s[4], s[5], null));
    }
    return Optional.empty();
  }
}
