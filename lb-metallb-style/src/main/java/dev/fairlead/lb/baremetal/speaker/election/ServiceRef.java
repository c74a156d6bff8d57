package dev.fairlead.lb.baremetal.speaker.election;

/**
 * A Service, for events and logs.
 *
 * @param namespace its namespace
 * @param name its name
 * @param uid its UID
 */
public record ServiceRef(String namespace, String name, String uid) {
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
