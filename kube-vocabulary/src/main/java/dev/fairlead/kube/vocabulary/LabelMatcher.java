package dev.fairlead.kube.vocabulary;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions} with {@code In},
 * {@code NotIn}, {@code Exists}, {@code DoesNotExist}) as a value with a pure predicate; {@link
 * Selectors#matcher} reads one from an object.
 *
 * @param matchLabels labels that must be equal
 * @param expressions requirements that must all hold
 */
public record LabelMatcher(Map<String, String> matchLabels, List<Requirement> expressions) {
  /** The operators a requirement may use. */
  public static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  /** Copies. */
  public LabelMatcher {
    matchLabels = Map.copyOf(matchLabels);
    expressions = List.copyOf(expressions);
  }

  /**
   * One requirement.
   *
   * @param key the label key
   * @param operator In, NotIn, Exists or DoesNotExist
   * @param values the values for In and NotIn
   */
  public record Requirement(String key, String operator, Set<String> values) {
    /** Validates. */
    public Requirement {
      Objects.requireNonNull(key, "key");
      values = Set.copyOf(values);
      if (!OPERATORS.contains(operator)) {
        throw new IllegalArgumentException(
            "operator '" + operator + "' is not In, NotIn, Exists or DoesNotExist");
      }
      if ((operator.equals("In") || operator.equals("NotIn")) && values.isEmpty()) {
        throw new IllegalArgumentException("operator " + operator + " needs values");
      }
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> labels.containsKey(key);
        default -> !labels.containsKey(key);
      };
    }
  }

  /**
   * Whether the labels satisfy the selector.
   *
   * @param labels the labels
   * @return true if they match
   */
  public boolean matches(Map<String, String> labels) {
    return matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
        && expressions.stream().allMatch(r -> r.matches(labels));
  }
}
