package dev.fairlead.kube.vocabulary;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Label selectors as Kubernetes objects carry them, read into {@link LabelMatcher}s with the API
 * server's rules for keys, values and operators. The one reader for every selector in our objects
 * (pool service selectors, advertisement and peer node selectors), so they all accept and reject
 * the same things and name the same fields.
 */
public final class Selectors {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private Selectors() {}

  /**
   * Reads a selector as written in an object's spec; errors name the field relative to the
   * selector ({@code matchExpressions[1].values}).
   *
   * @param selector the selector
   * @return the matcher
   * @throws InvalidFieldException naming the first invalid field
   */
  public static LabelMatcher matcher(LabelSelector selector) {
    return matcher(selector, "");
  }

  /**
   * Reads a selector found at {@code path} of an object.
   *
   * @param selector the selector (null is an error: an empty entry in a list of selectors)
   * @param path where it is, e.g. {@code spec.nodeSelectors[0]} (empty for relative names)
   * @return the matcher
   * @throws InvalidFieldException naming the first invalid field, e.g. {@code
   *     spec.nodeSelectors[0].matchExpressions[1].operator}
   */
  public static LabelMatcher matcher(LabelSelector selector, String path) {
    String prefix = path.isEmpty() ? "" : path + ".";
    if (selector == null) {
      throw new InvalidFieldException(path.isEmpty() ? "selector" : path, "is empty");
    }
    Map<String, String> labels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      checkKey(prefix + "matchLabels", e.getKey());
      checkValue(prefix + "matchLabels[" + e.getKey() + "]", e.getValue());
    }
    List<LabelMatcher.Requirement> requirements = new ArrayList<>();
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    for (int j = 0; j < expressions.size(); j++) {
      String at = prefix + "matchExpressions[" + j + "]";
      LabelSelectorRequirement r = expressions.get(j);
      checkKey(at + ".key", r.getKey());
      String operator = r.getOperator();
      if (!LabelMatcher.OPERATORS.contains(operator)) {
        throw new InvalidFieldException(at + ".operator",
            "'" + operator + "' is not In, NotIn, Exists or DoesNotExist");
      }
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      boolean needsValues = operator.equals("In") || operator.equals("NotIn");
      if (needsValues && values.isEmpty()) {
        throw new InvalidFieldException(at + ".values", "operator " + operator + " needs at least one value");
      }
      if (!needsValues && !values.isEmpty()) {
        throw new InvalidFieldException(at + ".values", "operator " + operator + " takes no values");
      }
      for (int k = 0; k < values.size(); k++) {
        checkValue(at + ".values[" + k + "]", values.get(k));
      }
      requirements.add(new LabelMatcher.Requirement(r.getKey(), operator, new HashSet<>(values)));
    }
    return new LabelMatcher(labels, requirements);
  }

  /**
   * Whether a text is a valid object name (an RFC 1123 DNS subdomain).
   *
   * @param name the text
   * @return true if valid
   */
  public static boolean isObjectName(String name) {
    return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  private static void checkKey(String field, String key) {
    String name = key == null ? "" : key;
    int slash = name.indexOf('/');
    if (slash >= 0) {
      String prefix = name.substring(0, slash);
      name = name.substring(slash + 1);
      if (prefix.isEmpty() || !isObjectName(prefix)) {
        throw new InvalidFieldException(field, "'" + key + "' has an invalid prefix (a DNS subdomain)");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      throw new InvalidFieldException(field, "'" + key + "' is not a valid label key");
    }
  }

  private static void checkValue(String field, String value) {
    if (value == null || value.length() > 63
        || (!value.isEmpty() && !LABEL_NAME.matcher(value).matches())) {
      throw new InvalidFieldException(field, "'" + value + "' is not a valid label value");
    }
  }
}
