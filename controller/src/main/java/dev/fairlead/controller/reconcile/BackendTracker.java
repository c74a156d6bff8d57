package dev.fairlead.controller.reconcile;

import dev.fairlead.kube.vocabulary.Nodes;
import dev.fairlead.lb.api.BackendNode;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The set of eligible backend nodes, maintained from Node events. A Node update that does not
 * change what the load balancers see (heartbeats, conditions, unrelated status) changes nothing
 * here, so it reaches no provider.
 */
public final class BackendTracker {
  private final ConcurrentSkipListMap<String, BackendNode> eligible = new ConcurrentSkipListMap<>();
  private volatile List<BackendNode> snapshot = List.of();

  /**
   * Applies an added or updated Node.
   *
   * @param node the Node
   * @return true if the eligible set changed
   */
  public synchronized boolean upsert(Node node) {
    String name = node.getMetadata().getName();
    Optional<BackendNode> backend = Nodes.backend(node);
    BackendNode before = backend.isPresent() ? eligible.put(name, backend.get()) : eligible.remove(name);
    boolean changed = !Objects.equals(before, backend.orElse(null));
    if (changed) {
      snapshot = List.copyOf(eligible.values());
    }
    return changed;
  }

  /**
   * Applies a deleted Node.
   *
   * @param node the Node
   * @return true if the eligible set changed
   */
  public synchronized boolean remove(Node node) {
    boolean changed = eligible.remove(node.getMetadata().getName()) != null;
    if (changed) {
      snapshot = List.copyOf(eligible.values());
    }
    return changed;
  }

  /**
   * The eligible nodes, sorted by name. The same list instance is returned until the set changes,
   * so comparing it with a remembered list is usually an identity check.
   *
   * @return an immutable list
   */
  public List<BackendNode> current() {
    return snapshot;
  }
}
