package dev.fairlead.systemtests;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One (API group, resource, verb) as RBAC sees it, derived from an HTTP request to the API server.
 *
 * @param group the API group, {@code ""} for core
 * @param resource the resource, with {@code /subresource} when one is addressed
 * @param verb the RBAC verb
 */
public record ApiUse(String group, String resource, String verb) {
  private static final Pattern PATH = Pattern.compile(
      "^/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+(?=/))?/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?");

  /**
   * Maps a request; discovery and other non-resource paths give empty.
   *
   * @param method the HTTP method
   * @param pathAndQuery the request path with its query
   * @return the use, if the path names a resource
   */
  public static Optional<ApiUse> of(String method, String pathAndQuery) {
    Matcher m = PATH.matcher(pathAndQuery);
    if (!m.find()) {
      return Optional.empty();
    }
    String group = m.group(1) == null ? "" : m.group(1);
    String resource = m.group(2);
    String name = m.group(3);
    String subresource = m.group(4);
    boolean watch = pathAndQuery.contains("watch=true");
    String verb = switch (method) {
      case "GET" -> watch ? "watch" : name == null ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name == null ? "deletecollection" : "delete";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
    return Optional.of(new ApiUse(group, subresource == null ? resource : resource + "/" + subresource, verb));
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }
}
