package dev.fairlead.kube.vocabulary;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Label selectors as Kubernetes objects carry them, read into {@link LabelMatcher}s. */
public final class Selectors {
  private Selectors() {}

  /**
   * Reads a selector as written in an object's spec.
   *
   * @param selector the selector
   * @return the matcher
   * @throws IllegalArgumentException naming the first invalid requirement
   */
  public static LabelMatcher matcher(LabelSelector selector) {
    List<LabelMatcher.Requirement> requirements = new ArrayList<>();
    List<LabelSelectorRequirement> raw =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    for (int i = 0; i < raw.size(); i++) {
      LabelSelectorRequirement r = raw.get(i);
      try {
        requirements.add(new LabelMatcher.Requirement(r.getKey(), r.getOperator(),
            r.getValues() == null ? Set.of() : new HashSet<>(r.getValues())));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("matchExpressions[" + i + "]: " + e.getMessage(), e);
      }
    }
    return new LabelMatcher(
        selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels(), requirements);
  }
}
