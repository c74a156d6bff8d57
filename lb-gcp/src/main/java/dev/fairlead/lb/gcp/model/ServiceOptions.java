package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.LoadBalancerSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * What a Service asks of Google Cloud through the upstream annotations, validated: every problem is
 * an {@link InvalidServiceException} naming the annotation.
 *
 * @param internal {@code networking.gke.io/load-balancer-type: Internal} (or the legacy key)
 * @param tier the network tier of an external load balancer
 * @param subnetwork {@code networking.gke.io/internal-load-balancer-subnet}, if set
 * @param allowGlobalAccess {@code networking.gke.io/internal-load-balancer-allow-global-access}
 */
public record ServiceOptions(boolean internal, Tier tier, Optional<String> subnetwork, boolean allowGlobalAccess) {
  /** The load-balancer type annotation. */
  public static final String TYPE = "networking.gke.io/load-balancer-type";
  /** Its deprecated predecessor, still honoured. */
  public static final String LEGACY_TYPE = "cloud.google.com/load-balancer-type";
  /** The network tier of an external load balancer. */
  public static final String NETWORK_TIER = "cloud.google.com/network-tier";
  /** The subnetwork of an internal load balancer's address. */
  public static final String ILB_SUBNET = "networking.gke.io/internal-load-balancer-subnet";
  /** Global access to an internal load balancer. */
  public static final String ILB_GLOBAL_ACCESS = "networking.gke.io/internal-load-balancer-allow-global-access";
  /** Regional backend-service NetLBs, handled by ingress-gce upstream. */
  public static final String RBS = "cloud.google.com/l4-rbs";

  /** Network service tier. */
  public enum Tier {
    /** Google's premium network (the default). */
    PREMIUM,
    /** Standard tier. */
    STANDARD
  }

  /**
   * Reads the annotations of a spec.
   *
   * @param spec the spec
   * @return the options
   * @throws InvalidServiceException naming the annotation at fault
   */
  public static ServiceOptions of(LoadBalancerSpec spec) {
    Optional<String> type = spec.annotation(TYPE).or(() -> spec.annotation(LEGACY_TYPE));
    String typeKey = spec.annotation(TYPE).isPresent() ? TYPE : LEGACY_TYPE;
    boolean internal = false;
    if (type.isPresent()) {
      switch (type.get().strip().toLowerCase(Locale.ROOT)) {
        case "internal" -> internal = true;
        case "external", "" -> internal = false;
        default -> throw new InvalidServiceException(typeKey + ": '" + type.get()
            + "' is not a load-balancer type; use Internal or External");
      }
    }
    if (spec.annotation(RBS).map(v -> v.strip().equalsIgnoreCase("enabled")).orElse(false)) {
      throw new InvalidServiceException(RBS + ": backend-service based NetLBs are not implemented by Fairlead;"
          + " remove the annotation to get a target-pool NetLB");
    }
    Tier tier = Tier.PREMIUM;
    Optional<String> tierText = spec.annotation(NETWORK_TIER);
    if (tierText.isPresent()) {
      try {
        tier = Tier.valueOf(tierText.get().strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidServiceException(NETWORK_TIER + ": '" + tierText.get() + "' is not a tier; use Premium or Standard");
      }
      if (internal && tier == Tier.STANDARD) {
        throw new InvalidServiceException(NETWORK_TIER + ": internal load balancers have no network tier;"
            + " remove the annotation or make the Service external");
      }
    }
    Optional<String> subnet = spec.annotation(ILB_SUBNET).map(String::strip).filter(s -> !s.isEmpty());
    if (subnet.isPresent()) {
      if (!internal) {
        throw new InvalidServiceException(ILB_SUBNET + " applies to internal load balancers only; add "
            + TYPE + ": Internal or remove it");
      }
      if (!subnet.get().matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])?")) {
        throw new InvalidServiceException(ILB_SUBNET + ": '" + subnet.get() + "' is not a subnetwork name");
      }
    }
    boolean global = false;
    Optional<String> globalText = spec.annotation(ILB_GLOBAL_ACCESS);
    if (globalText.isPresent()) {
      global = switch (globalText.get().strip().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new InvalidServiceException(ILB_GLOBAL_ACCESS + ": '" + globalText.get() + "' must be true or false");
      };
      if (global && !internal) {
        throw new InvalidServiceException(ILB_GLOBAL_ACCESS + " applies to internal load balancers only");
      }
    }
    return new ServiceOptions(internal, tier, subnet, global);
  }
}
