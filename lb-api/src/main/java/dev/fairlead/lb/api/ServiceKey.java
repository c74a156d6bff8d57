package dev.fairlead.lb.api;

import java.util.Objects;

/**
 * Identifies a Service. The UID distinguishes a Service from a later one with the same name, so
 * providers derive resource names from it (no duplicates after a delete and re-create).
 *
 * @param namespace the namespace
 * @param name the name
 * @param uid the Service's {@code metadata.uid}
 */
public record ServiceKey(String namespace, String name, String uid) {

  /** Checks that every part is present. */
  public ServiceKey {
    requireText(namespace, "namespace");
    requireText(name, "name");
    requireText(uid, "uid");
  }

  /**
   * The {@code namespace/name} form used in logs, events and tags.
   *
   * @return {@code namespace/name}
   */
  public String qualifiedName() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return qualifiedName() + " (uid " + uid + ")";
  }

  static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
