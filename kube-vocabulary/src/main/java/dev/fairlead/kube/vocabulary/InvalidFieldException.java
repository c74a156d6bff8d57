package dev.fairlead.kube.vocabulary;

import java.io.Serial;

/** A field of a Kubernetes object that cannot be used as written. */
public final class InvalidFieldException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;
  private final String field;
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param field the field or annotation, such as {@code spec.loadBalancerIP}
   * @param reason what is wrong with it
   */
  public InvalidFieldException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  /**
   * The offending field.
   *
   * @return the field
   */
  public String field() {
    return field;
  }

  /**
   * What is wrong with it.
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }
}
