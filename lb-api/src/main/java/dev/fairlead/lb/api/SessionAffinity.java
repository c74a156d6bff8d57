package dev.fairlead.lb.api;

/**
 * The Service's {@code spec.sessionAffinity}: whether a client keeps reaching the same backend.
 * Cloud load balancers map {@link #CLIENT_IP} to their source-IP affinity (GCP {@code CLIENT_IP},
 * Azure {@code SourceIP} load distribution); providers that cannot honour it ignore it, as the
 * Service's own kube-proxy affinity still applies on the node.
 */
public enum SessionAffinity {
  /** No affinity ({@code None}, the default). */
  NONE,
  /** Connections from one client address go to one backend ({@code ClientIP}). */
  CLIENT_IP
}
