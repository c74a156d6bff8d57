package dev.fairlead.lb.baremetal.speaker.election;

import dev.fairlead.kube.vocabulary.LabelMatcher;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An L2Advertisement as the election uses it, or the reason it cannot be used. */
public sealed interface Advertisement permits Advertisement.Valid, Advertisement.Invalid {

  /**
   * The object's name.
   *
   * @return the name
   */
  String name();

  /**
   * A usable advertisement.
   *
   * @param name the object's name
   * @param pools the pools it selects
   * @param nodeSelectors nodes that may announce (any one matching suffices); empty = every node
   * @param interfaces interfaces to announce on; empty = every interface the speaker uses
   */
  record Valid(String name, PoolSelector pools, List<LabelMatcher> nodeSelectors,
      Set<String> interfaces) implements Advertisement {
    /** What applies when no L2Advertisement exists: every pool, every node, every interface. */
    public static final Valid EVERYWHERE =
        new Valid("(no L2Advertisement)", PoolSelector.ALL, List.of(), Set.of());

    /** Copies. */
    public Valid {
      nodeSelectors = List.copyOf(nodeSelectors);
      interfaces = Set.copyOf(interfaces);
    }

    /**
     * Whether a node may announce under this advertisement.
     *
     * @param nodeLabels the node's labels
     * @return true if allowed
     */
    public boolean allowsNode(Map<String, String> nodeLabels) {
      return nodeSelectors.isEmpty() || nodeSelectors.stream().anyMatch(s -> s.matches(nodeLabels));
    }
  }

  /**
   * An advertisement that selects nothing because a field is wrong.
   *
   * @param name the object's name
   * @param field the offending field's path, for example {@code spec.nodeSelectors[0].matchExpressions[1].operator}
   * @param reason what is wrong with it
   */
  record Invalid(String name, String field, String reason) implements Advertisement {
    /**
     * The message for status and events.
     *
     * @return {@code field: reason}
     */
    public String message() {
      return field + ": " + reason;
    }
  }
}
