package dev.fairlead.controller.model;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Services this controller serves, and the finalizer that guards their load balancers.
 *
 * <p>Without a load-balancer class the controller is the cluster's default implementation: it
 * serves Services with no {@code spec.loadBalancerClass} and uses the upstream finalizer, exactly as
 * the cloud-controller-manager's service controller does, so it can replace it in place. With a
 * class it serves only Services of that class, under its own finalizer.
 *
 * @param loadBalancerClass the class served, or empty for the default implementation
 */
public record ServiceEligibility(Optional<String> loadBalancerClass) {

  /** The upstream service controller's finalizer. */
  public static final String DEFAULT_FINALIZER = "service.kubernetes.io/load-balancer-cleanup";

  /** Validates. */
  public ServiceEligibility {
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
  }

  /**
   * The finalizer this controller adds before creating a load balancer.
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
      String hash = java.util.HexFormat.of().formatHex(sha256(loadBalancerClass)).substring(0, 10);
      name = name.substring(0, Math.min(name.length(), 52)) + "-" + hash;
    }
    return "fairlead.dev/" + name;
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
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
    return service.getSpec() != null
        && "LoadBalancer".equals(service.getSpec().getType())
        && isOurClass(service)
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
   * Whether an update can change what this controller does: a new spec, annotations, UID or
   * deletion state, our finalizer removed by someone else, or a different published status. Our
   * own finalizer addition and unrelated metadata (labels, managed fields) are not; filtering them
   * keeps a failing Service on its backoff instead of retrying on every write we make.
   *
   * @param before the Service before the update
   * @param after the Service after it
   * @return true if the Service should be reconciled
   */
  public boolean isRelevantUpdate(Service before, Service after) {
    var old = before.getMetadata();
    var now = after.getMetadata();
    return !Objects.equals(old.getUid(), now.getUid())
        || !Objects.equals(old.getDeletionTimestamp(), now.getDeletionTimestamp())
        || !Objects.equals(before.getSpec(), after.getSpec())
        || !Objects.equals(old.getAnnotations(), now.getAnnotations())
        || (hasFinalizer(before) && !hasFinalizer(after))
        || !StatusMapper.isPublished(after, StatusMapper.published(before));
  }
}
