package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The simulator's state: every resource by canonical path, names being created, the addresses
 * handed out, and resource counts for quotas. All access goes through {@link #locked}, so a
 * request's checks and its effect see one consistent state.
 */
final class ComputeStore {
  private final NavigableMap<String, ObjectNode> resources = new TreeMap<>();
  private final Set<String> pending = new HashSet<>();
  private final AtomicLong ids = new AtomicLong(1_000_000_000_000L);
  /** Address in use: the static address resource that holds it (if any) and the rules that use it. */
  private final Map<String, IpHolder> ips = new HashMap<>();
  private final List<String> externalPool;
  private final List<String> internalPool;

  /** Who holds one IP. */
  static final class IpHolder {
    String address;
    final Set<String> users = new HashSet<>();
  }

  ComputeStore() {
    externalPool = new ArrayList<>();
    for (String prefix : List.of("203.0.113.", "198.51.100.")) {
      for (int i = 1; i < 255; i++) {
        externalPool.add(prefix + i);
      }
    }
    internalPool = new ArrayList<>();
    for (int i = 2; i < 255; i++) {
      internalPool.add("192.0.2." + i);
    }
  }

  /**
   * Runs {@code work} with the state locked.
   *
   * @param work what to do
   * @param <T> the result
   * @return its result
   */
  synchronized <T> T locked(Function<ComputeStore, T> work) {
    return work.apply(this);
  }

  Optional<ObjectNode> get(String path) {
    return Optional.ofNullable(resources.get(path));
  }

  boolean exists(String path) {
    return resources.containsKey(path);
  }

  /** Reserves a name for a resource being created; false if it exists or is being created. */
  boolean reserve(String path) {
    return !resources.containsKey(path) && pending.add(path);
  }

  void release(String path) {
    pending.remove(path);
  }

  void put(String path, ObjectNode resource) {
    pending.remove(path);
    resources.put(path, resource);
  }

  void remove(String path) {
    resources.remove(path);
  }

  /** Every resource directly in a collection path, in name order. */
  List<ObjectNode> list(String collectionPath) {
    String prefix = collectionPath + "/";
    List<ObjectNode> out = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> e : resources.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      if (e.getKey().indexOf('/', prefix.length()) < 0) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /** Every resource of a collection name in a project, by scope ({@code regions/r}), for aggregated lists. */
  Map<String, List<ObjectNode>> aggregated(String project, String collection) {
    Map<String, List<ObjectNode>> out = new TreeMap<>();
    String prefix = "projects/" + project + "/";
    for (Map.Entry<String, ObjectNode> e : resources.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      ResourcePath.parseResource(e.getKey())
          .filter(p -> p.collection().equals(collection))
          .ifPresent(p -> out.computeIfAbsent(p.scope(), k -> new ArrayList<>()).add(e.getValue()));
    }
    return out;
  }

  /** How many resources one collection holds in a scope (for quotas). */
  int count(String collectionPath) {
    return list(collectionPath).size();
  }

  /** The first resource that references {@code path} in one of the given fields, if any. */
  Optional<String> firstUser(String path, Function<ObjectNode, List<String>> references) {
    for (Map.Entry<String, ObjectNode> e : resources.entrySet()) {
      for (String ref : references.apply(e.getValue())) {
        if (ResourcePath.canonical(ref, "").equals(path)) {
          return Optional.of(e.getKey());
        }
      }
    }
    return Optional.empty();
  }

  List<String> allPaths() {
    return new ArrayList<>(resources.keySet());
  }

  String newId() {
    return Long.toString(ids.incrementAndGet());
  }

  // ---- addresses ----

  Optional<IpHolder> ip(String ip) {
    return Optional.ofNullable(ips.get(ip));
  }

  /** Takes the next free address of a kind. */
  String allocate(boolean internal) {
    for (String candidate : internal ? internalPool : externalPool) {
      if (!ips.containsKey(candidate)) {
        ips.put(candidate, new IpHolder());
        return candidate;
      }
    }
    throw ComputeError.quotaExceeded(internal ? "SUBNETWORK_ADDRESSES" : "IN_USE_ADDRESSES",
        (internal ? internalPool : externalPool).size(), "the simulator's address pool");
  }

  /** Takes a specific free address; false if it is taken. */
  boolean claim(String ip) {
    if (ips.containsKey(ip)) {
      return false;
    }
    ips.put(ip, new IpHolder());
    return true;
  }

  boolean inPool(String ip, boolean internal) {
    return (internal ? internalPool : externalPool).contains(ip);
  }

  /** Frees an address if neither an address resource nor a rule holds it any more. */
  void freeIfUnused(String ip) {
    IpHolder holder = ips.get(ip);
    if (holder != null && holder.address == null && holder.users.isEmpty()) {
      ips.remove(ip);
    }
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.path("instance").asText(n.path("group").asText())));
    }
    return out;
  }
}
