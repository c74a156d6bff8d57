package dev.fairlead.lb.aws.internal.model;

/** The Service annotations this provider reads, with upstream's keys and meaning. */
public final class Annotations {
  private Annotations() {}

  /** Prefix of every AWS load balancer annotation. */
  public static final String PREFIX = "service.beta.kubernetes.io/aws-load-balancer-";

  /** {@code nlb} (or absent): ours; {@code external}, {@code nlb-ip}: another controller's. */
  public static final String TYPE = PREFIX + "type";

  /** Any value but {@code false}: internal scheme. */
  public static final String INTERNAL = PREFIX + "internal";

  /** Subnet IDs or Name tags, one per zone. */
  public static final String SUBNETS = PREFIX + "subnets";

  /** {@code k=v,k2=v2} tags added to every resource. */
  public static final String ADDITIONAL_TAGS = PREFIX + "additional-resource-tags";

  /** {@code tcp}, {@code http} or {@code https}. */
  public static final String HC_PROTOCOL = PREFIX + "healthcheck-protocol";

  /** {@code traffic-port} or a port number. */
  public static final String HC_PORT = PREFIX + "healthcheck-port";

  /** HTTP(S) path. */
  public static final String HC_PATH = PREFIX + "healthcheck-path";

  /** Seconds between checks, 5 to 300. */
  public static final String HC_INTERVAL = PREFIX + "healthcheck-interval";

  /** Seconds per check, 2 to 120. */
  public static final String HC_TIMEOUT = PREFIX + "healthcheck-timeout";

  /** Successes before healthy, 2 to 10. */
  public static final String HC_HEALTHY = PREFIX + "healthcheck-healthy-threshold";

  /** Failures before unhealthy, 2 to 10. */
  public static final String HC_UNHEALTHY = PREFIX + "healthcheck-unhealthy-threshold";

  /** {@code true} or {@code false}. */
  public static final String CROSS_ZONE = PREFIX + "cross-zone-load-balancing-enabled";

  /** {@code k=v,...} target group attributes. */
  public static final String TG_ATTRIBUTES = PREFIX + "target-group-attributes";

  /** Elastic IP allocation IDs, one per subnet (internet-facing only). */
  public static final String EIP_ALLOCATIONS = PREFIX + "eip-allocations";

  /** Private IPv4 addresses, one per subnet (internal only). */
  public static final String PRIVATE_IPV4 = PREFIX + "private-ipv4-addresses";

  /** ACM/IAM certificate ARN: TLS listeners. */
  public static final String SSL_CERT = PREFIX + "ssl-cert";

  /** Which ports get TLS: names or numbers, or {@code *}. */
  public static final String SSL_PORTS = PREFIX + "ssl-ports";

  /** The TLS security policy name. */
  public static final String SSL_POLICY = PREFIX + "ssl-negotiation-policy";

  /** {@code tcp} or {@code ssl} (TLS to the backends). */
  public static final String BACKEND_PROTOCOL = PREFIX + "backend-protocol";

  /** {@code k=v,...}: only nodes with all these labels become targets. */
  public static final String TARGET_NODE_LABELS = PREFIX + "target-node-labels";

  /** Security group IDs that replace the managed frontend group. */
  public static final String SECURITY_GROUPS = PREFIX + "security-groups";

  /** Client CIDRs, used when {@code spec.loadBalancerSourceRanges} is empty. */
  public static final String SOURCE_RANGES =
      "service.beta.kubernetes.io/load-balancer-source-ranges";
}
