package dev.fairlead.controller.model;

import dev.fairlead.lb.api.LoadBalancerSpec;

/** The result of mapping a Service to a {@link LoadBalancerSpec}: a spec, or what is wrong. */
public sealed interface SpecMapping {

  /**
   * The Service maps to a spec.
   *
   * @param spec the spec
   */
  record Valid(LoadBalancerSpec spec) implements SpecMapping {}

  /**
   * The Service cannot be served as written.
   *
   * @param field the offending field or annotation, such as {@code spec.ports[1].protocol}
   * @param reason what is wrong with it
   */
  record Invalid(String field, String reason) implements SpecMapping {
    /**
     * The message for the Warning event.
     *
     * @return {@code field: reason}
     */
    public String message() {
      return field + ": " + reason;
    }
  }
}
