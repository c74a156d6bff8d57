package dev.fairlead.lb.api;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of a Service's annotations and labels a provider reads. The controller puts only these
 * into {@link LoadBalancerSpec}, so a change to any other annotation or label changes no spec and
 * reaches no provider: no call, no event (a {@code kubectl apply} that only rewrites {@code
 * last-applied-configuration} stays silent).
 *
 * @param annotationPrefixes annotations whose key starts with one of these are passed on ({@code ""}
 *     passes every annotation)
 * @param labelPrefixes labels whose key starts with one of these are passed on ({@code ""} passes
 *     every label)
 */
public record MetadataUse(Set<String> annotationPrefixes, Set<String> labelPrefixes) {

  /** Every annotation and no label: what providers received before labels were part of the spec. */
  public static final MetadataUse ALL_ANNOTATIONS = new MetadataUse(Set.of(""), Set.of());

  /** Copies. */
  public MetadataUse {
    annotationPrefixes = Set.copyOf(annotationPrefixes);
    labelPrefixes = Set.copyOf(labelPrefixes);
  }

  /**
   * The annotations this provider reads.
   *
   * @param annotations all of a Service's annotations
   * @return those with a listed prefix
   */
  public Map<String, String> annotations(Map<String, String> annotations) {
    return select(annotations, annotationPrefixes);
  }

  /**
   * The labels this provider reads.
   *
   * @param labels all of a Service's labels
   * @return those with a listed prefix
   */
  public Map<String, String> labels(Map<String, String> labels) {
    return select(labels, labelPrefixes);
  }

  private static Map<String, String> select(Map<String, String> all, Set<String> prefixes) {
    if (prefixes.contains("")) {
      return all;
    }
    return all.entrySet().stream()
        .filter(e -> prefixes.stream().anyMatch(e.getKey()::startsWith))
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
