package dev.fairlead.lb.cloud;

/**
 * Maps one cloud SDK's exceptions to {@link CallError}s; the only SDK-specific part of a {@link
 * CallGate}.
 */
@FunctionalInterface
public interface ErrorClassifier {

  /**
   * Classifies a failed call.
   *
   * @param error what the SDK threw
   * @return the classification; never null
   */
  CallError classify(RuntimeException error);
}
