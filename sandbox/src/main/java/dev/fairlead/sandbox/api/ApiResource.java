package dev.fairlead.sandbox.api;

import java.util.List;
import java.util.Objects;

/**
 * One resource type the sandbox API serves, as discovery describes it.
 *
 * @param group the API group, empty for the core group
 * @param version the version
 * @param plural the plural name in URLs
 * @param singular the singular name
 * @param kind the kind
 * @param namespaced whether objects live in namespaces
 * @param shortNames kubectl short names
 * @param statusSubresource whether {@code <plural>/status} exists
 * @param printerColumns the CRD's additional printer columns (empty for built-in types)
 */
public record ApiResource(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    boolean statusSubresource,
    List<PrinterColumn> printerColumns) {

  /** The verbs every served resource supports. */
  public static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** Validates and copies. */
  public ApiResource {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(singular, "singular");
    Objects.requireNonNull(kind, "kind");
    shortNames = List.copyOf(shortNames);
    printerColumns = List.copyOf(printerColumns);
  }

  /**
   * {@code v1} or {@code group/version}.
   *
   * @return the group-version
   */
  public String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /**
   * The URL prefix of the group-version: {@code /api/v1} or {@code /apis/group/version}.
   *
   * @return the prefix
   */
  public String prefix() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }

  /**
   * A CRD's additional printer column.
   *
   * @param name the header
   * @param type the OpenAPI type
   * @param jsonPath the simple JSONPath of the value
   * @param priority 0 for the default view, higher for {@code -o wide}
   */
  public record PrinterColumn(String name, String type, String jsonPath, int priority) {}
}
