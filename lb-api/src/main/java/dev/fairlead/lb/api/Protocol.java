package dev.fairlead.lb.api;

/** A transport protocol of a Service port. */
public enum Protocol {
  /** TCP. */
  TCP,
  /** UDP. */
  UDP,
  /** SCTP. */
  SCTP
}
