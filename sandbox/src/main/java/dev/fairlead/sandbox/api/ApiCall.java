package dev.fairlead.sandbox.api;

/**
 * One resource request the API served, in RBAC terms, so tests can check that a ClusterRole
 * grants what a component was seen using.
 *
 * @param verb get, list, watch, create, update, patch, delete or deletecollection
 * @param group the API group ("" for core)
 * @param resource the plural
 * @param subresource e.g. {@code status}, or empty
 * @param namespace the namespace, or empty for cluster-scoped or all-namespace requests
 * @param name the object name, or empty
 * @param userAgent the client's User-Agent header, or empty
 */
public record ApiCall(String verb, String group, String resource, String subresource, String namespace,
    String name, String userAgent) {

  /**
   * {@code resource/subresource} as RBAC rules name it.
   *
   * @return e.g. {@code services/status}
   */
  public String rbacResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  static String verb(String method, boolean named, boolean watch) {
    return switch (method) {
      case "GET" -> watch ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
  }

  static ApiCall of(String method, ApiRequest request, ApiRequest.Target target, String userAgent) {
    return new ApiCall(verb(method, target.name() != null, request.isWatch()), target.resource().group(),
        target.resource().plural(), orEmpty(target.subresource()), orEmpty(target.namespace()),
        orEmpty(target.name()), orEmpty(userAgent));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
