package dev.fairlead.lb.gcp.internal;

import dev.fairlead.lb.gcp.model.InstanceRef;
import dev.fairlead.lb.gcp.model.LbModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the load balancers of one cluster share, ensured once and then remembered: the node health
 * check with its firewall (policy Cluster), and the unmanaged instance group of each zone that every
 * internal load balancer uses. The groups hold the union of the backends of every internal Service
 * this provider knows, so a node joining costs one {@code addInstances} per zone however many
 * internal Services there are.
 */
final class SharedResources {
  private final HealthCheckCalls healthChecks;
  private final FirewallCalls firewalls;
  private final InstanceGroupCalls groups;
  private final String description;
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, SortedSet<InstanceRef>> wanted = new HashMap<>();
  private final Map<String, Set<InstanceRef>> members = new HashMap<>();

  SharedResources(HealthCheckCalls healthChecks, FirewallCalls firewalls, InstanceGroupCalls groups, String cluster) {
    this.healthChecks = healthChecks;
    this.firewalls = firewalls;
    this.groups = groups;
    this.description = "{\"kubernetes.io/cluster-id\":\"" + cluster + "\",\"fairlead.dev/cluster\":\"" + cluster + "\"}";
  }

  /** Ensures the shared node check of the model's kind and its firewall, once per process. */
  void ensureHealthCheck(LbModel model, List<String> targetTags) {
    if (!model.healthCheck().shared()) {
      return;
    }
    String key = (model.healthCheck().legacy() ? "legacy/" : "modern/") + model.healthCheck().name();
    if (ensured.contains(key)) {
      return;
    }
    lock.lock();
    try {
      if (ensured.contains(key)) {
        return;
      }
      healthChecks.write(model.healthCheck(), false, description);
      firewalls.write(model.healthCheckFirewall(), false, targetTags, java.util.Optional.empty(), description);
      ensured.add(key);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets what was ensured, after a failure that suggests it is gone. */
  void forget() {
    ensured.clear();
  }

  /**
   * Deletes the shared checks and their firewalls if no load balancer uses them any more.
   *
   * @param model any model of the cluster, for the names
   */
  void deleteHealthChecksIfUnused(LbModel model) {
    lock.lock();
    try {
      for (boolean legacy : List.of(true, false)) {
        if (healthChecks.deleteIfUnused(model.names().sharedHealthCheck(), legacy)) {
          firewalls.delete(model.names().sharedHealthCheckFirewall(!legacy));
          ensured.remove((legacy ? "legacy/" : "modern/") + model.names().sharedHealthCheck());
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Brings the zones' groups to the union of what every internal Service wants, given what this
   * Service now wants. Reads a zone's members once (one listInstances), then only writes.
   *
   * @param uid the Service
   * @param instances its backends
   * @param group the groups' name
   */
  void syncGroups(String uid, SortedSet<InstanceRef> instances, String group) {
    lock.lock();
    try {
      wanted.put(uid, instances);
      SortedSet<InstanceRef> union = new TreeSet<>();
      wanted.values().forEach(union::addAll);
      Map<String, List<InstanceRef>> byZone = new HashMap<>();
      union.forEach(i -> byZone.computeIfAbsent(i.zone(), z -> new ArrayList<>()).add(i));
      for (Map.Entry<String, List<InstanceRef>> zone : byZone.entrySet()) {
        Set<InstanceRef> have = members.get(zone.getKey());
        if (have == null) {
          have = new TreeSet<>(groups.members(zone.getKey(), group).orElseGet(() -> {
            groups.create(zone.getKey(), group, description);
            return Set.of();
          }));
          members.put(zone.getKey(), have);
        }
        Set<InstanceRef> current = have;
        List<InstanceRef> add = zone.getValue().stream().filter(i -> !current.contains(i)).toList();
        // Only members no known Service wants, and that this Service dropped, leave the group.
        List<InstanceRef> remove = current.stream().filter(i -> !union.contains(i)).sorted().toList();
        if (!add.isEmpty()) {
          groups.add(zone.getKey(), group, add);
          current.addAll(add);
        }
        if (!remove.isEmpty()) {
          groups.remove(zone.getKey(), group, remove);
          remove.forEach(current::remove);
        }
      }
    } catch (RuntimeException e) {
      members.clear();
      throw e;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drops a deleted internal Service; when none is left, deletes the groups nothing uses.
   *
   * @param uid the Service
   * @param group the groups' name
   * @param zones zones whose group may exist
   */
  void releaseGroups(String uid, String group, Set<String> zones) {
    lock.lock();
    try {
      wanted.remove(uid);
      if (wanted.isEmpty()) {
        Set<String> all = new TreeSet<>(zones);
        all.addAll(members.keySet());
        for (String zone : all) {
          if (groups.deleteIfUnused(zone, group)) {
            members.remove(zone);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }
}
