package dev.fairlead.sandbox.api;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request path split the way the API server routes it.
 *
 * @param path the decoded path without query
 * @param segments the path's segments
 * @param query decoded query parameters (first value of each)
 * @param rawQuery the raw query, or null
 */
public record ApiRequest(String path, List<String> segments, Map<String, String> query, String rawQuery) {

  /** Copies. */
  public ApiRequest {
    segments = List.copyOf(segments);
    query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
  }

  /**
   * Parses a request target ({@code /api/v1/services?watch=true}).
   *
   * @param target the target
   * @return the parsed request
   */
  public static ApiRequest parse(String target) {
    URI uri = URI.create("http://sandbox" + (target.startsWith("/") ? target : "/" + target));
    String path = uri.getPath() == null ? "/" : uri.getPath();
    List<String> segments = new ArrayList<>(Arrays.asList(path.split("/")));
    segments.removeIf(String::isEmpty);
    Map<String, String> query = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        query.putIfAbsent(key, value);
      }
    }
    return new ApiRequest(path, segments, query, raw);
  }

  /**
   * The same target with some query parameters removed (for the mock server, which would
   * misread them).
   *
   * @param drop parameter names to drop
   * @return the target
   */
  public String targetWithout(String... drop) {
    if (rawQuery == null) {
      return path;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (!Arrays.asList(drop).contains(key)) {
        kept.add(pair);
      }
    }
    return kept.isEmpty() ? path : path + "?" + String.join("&", kept);
  }

  /**
   * A query parameter.
   *
   * @param name the name
   * @return the value, if present
   */
  public Optional<String> param(String name) {
    return Optional.ofNullable(query.get(name));
  }

  /**
   * Whether this is a watch ({@code ?watch=true} or {@code ?watch=1}).
   *
   * @return true for a watch
   */
  public boolean isWatch() {
    String watch = query.get("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  /**
   * Where a resource request points.
   *
   * @param catalog the served types
   * @return the target, or empty if the path is not a resource path of a served type
   */
  public Optional<Target> resolve(ResourceCatalog catalog) {
    List<String> s = segments;
    String group;
    String version;
    List<String> rest;
    if (s.size() >= 3 && s.get(0).equals("api")) {
      group = "";
      version = s.get(1);
      rest = s.subList(2, s.size());
    } else if (s.size() >= 4 && s.get(0).equals("apis")) {
      group = s.get(1);
      version = s.get(2);
      rest = s.subList(3, s.size());
    } else {
      return Optional.empty();
    }
    String namespace = null;
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")
        && !(group.isEmpty() && rest.size() == 3 && List.of("status", "finalize").contains(rest.get(2)))) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    if (rest.isEmpty() || rest.size() > 3) {
      return Optional.empty();
    }
    String plural = rest.get(0);
    String name = rest.size() >= 2 ? rest.get(1) : null;
    String subresource = rest.size() == 3 ? rest.get(2) : null;
    Optional<ApiResource> resource = catalog.find(group, version, plural);
    if (resource.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Target(resource.get(), namespace, name, subresource));
  }

  /**
   * A resolved resource request.
   *
   * @param resource the type
   * @param namespace the namespace, or null
   * @param name the object's name, or null for collections
   * @param subresource {@code status} etc., or null
   */
  public record Target(ApiResource resource, String namespace, String name, String subresource) {
    /**
     * The object's URL (no query).
     *
     * @return the path
     */
    public String objectPath() {
      return collectionPath() + "/" + name;
    }

    /**
     * The collection's URL in the target's namespace (no query).
     *
     * @return the path
     */
    public String collectionPath() {
      return resource.prefix() + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + resource.plural();
    }

    /**
     * {@code services} or {@code ipaddresspools.baremetal.fairlead.dev}, as error messages name it.
     *
     * @return the qualified resource
     */
    public String qualifiedPlural() {
      return resource.group().isEmpty() ? resource.plural() : resource.plural() + "." + resource.group();
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
