package dev.fairlead.kube.vocabulary;

import io.fabric8.kubernetes.api.model.Service;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which Services one load-balancer implementation serves, and the finalizer that guards their load
 * balancers. The controller reconciles exactly these Services and the speaker announces exactly
 * their addresses.
 *
 * <p>Without a load-balancer class the implementation is the cluster's default: it serves Services
 * with no {@code spec.loadBalancerClass} and uses the upstream finalizer, exactly as the
 * cloud-controller-manager's service controller does, so it can replace it in place. With a class
 * it serves only Services of that class, under its own finalizer.
 *
 * @param loadBalancerClass the class served, or empty for the default implementation
 */
public record ServiceEligibility(Optional<String> loadBalancerClass) {

  /** The upstream service controller's finalizer. */
  public static final String DEFAULT_FINALIZER = "service.kubernetes.io/load-balancer-cleanup";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Validates. */
  public ServiceEligibility {
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
    loadBalancerClass.flatMap(ServiceEligibility::invalidClass).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
  }

  /**
   * Why a load-balancer class is not what the API server accepts in {@code
   * spec.loadBalancerClass}: a label-style qualified name, an optional DNS-subdomain prefix and a
   * slash, then a name of at most 63 letters, digits, '-', '_' or '.' that starts and ends with a
   * letter or digit.
   *
   * @param loadBalancerClass the class
   * @return the problem, or empty if valid
   */
  public static Optional<String> invalidClass(String loadBalancerClass) {
    String rule = " (a label-style name such as example.com/internal-lb: optional DNS prefix and '/',"
        + " then at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)";
    int slash = loadBalancerClass.indexOf('/');
    String prefix = slash < 0 ? null : loadBalancerClass.substring(0, slash);
    String name = slash < 0 ? loadBalancerClass : loadBalancerClass.substring(slash + 1);
    if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches())) {
      return Optional.of("'" + loadBalancerClass + "' has an invalid prefix '" + prefix + "'" + rule);
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of("'" + loadBalancerClass + "' is not a valid load-balancer class" + rule);
    }
    return Optional.empty();
  }

  /**
   * The finalizer this implementation adds before creating a load balancer.
   *
   * @return the finalizer name
   */
  public String finalizer() {
    return loadBalancerClass.map(ServiceEligibility::classFinalizer).orElse(DEFAULT_FINALIZER);
  }

  /**
   * The finalizer of one load-balancer class, such as {@code fairlead.dev/lb-example.com-internal}
   * for class {@code example.com/internal}. One per class, because the class field is cleared when
   * a Service stops being a LoadBalancer: the finalizer is then the only record of which controller
   * must clean up, and controllers of two classes must never take each other's Services.
   *
   * @param loadBalancerClass the class
   * @return a valid finalizer name (qualified name, name part at most 63 characters)
   */
  public static String classFinalizer(String loadBalancerClass) {
    String name = "lb-" + loadBalancerClass.replaceAll("[^A-Za-z0-9._-]", "-");
    if (name.length() > 63 || !Character.isLetterOrDigit(name.charAt(name.length() - 1))) {
      String hash = HexFormat.of().formatHex(sha256(loadBalancerClass)).substring(0, 10);
      name = name.substring(0, Math.min(name.length(), 52)) + "-" + hash;
    }
    return "fairlead.dev/" + name;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * Whether the Service is of type LoadBalancer, of our class, and not being deleted.
   *
   * @param service the Service
   * @return true if it should have a load balancer
   */
  public boolean wantsLoadBalancer(Service service) {
    return isLoadBalancer(service) && isOurClass(service)
        && service.getMetadata().getDeletionTimestamp() == null;
  }

  /**
   * Whether the Service's class is the one we serve. A Service of another class is never touched.
   *
   * @param service the Service
   * @return true if the class matches
   */
  public boolean isOurClass(Service service) {
    String theirs = service.getSpec() == null ? null : service.getSpec().getLoadBalancerClass();
    return Objects.equals(theirs, loadBalancerClass.orElse(null));
  }

  /**
   * Whether the Service carries our finalizer.
   *
   * @param service the Service
   * @return true if our finalizer is present
   */
  public boolean hasFinalizer(Service service) {
    List<String> finalizers = service.getMetadata().getFinalizers();
    return finalizers != null && finalizers.contains(finalizer());
  }

  /**
   * Whether the Service's load balancer must be removed: it carries our finalizer but no longer
   * wants a load balancer (deleted, or its type changed away from LoadBalancer).
   *
   * @param service the Service
   * @return true if cleanup is due
   */
  public boolean needsCleanup(Service service) {
    return hasFinalizer(service) && !wantsLoadBalancer(service);
  }

  /**
   * Whether the Service concerns us at all: a LoadBalancer of our class, or one that still carries
   * our finalizer (we must clean it up).
   *
   * @param service the Service
   * @return true if it is ours to reconcile
   */
  public boolean concerns(Service service) {
    return (isLoadBalancer(service) && isOurClass(service)) || hasFinalizer(service);
  }

  private static boolean isLoadBalancer(Service service) {
    return service.getSpec() != null && "LoadBalancer".equals(service.getSpec().getType());
  }
}
