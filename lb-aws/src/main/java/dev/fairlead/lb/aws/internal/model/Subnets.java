package dev.fairlead.lb.aws.internal.model;

import java.util.List;

/** Where the NLB's subnets come from. */
public sealed interface Subnets {

  /** Discovered by role and cluster tags. */
  record Discover() implements Subnets {}

  /**
   * Named in the annotation: IDs ({@code subnet-...}) or Name tags.
   *
   * @param refs the references, in order
   */
  record Named(List<String> refs) implements Subnets {
    /** Copies. */
    public Named {
      refs = List.copyOf(refs);
    }
  }
}
