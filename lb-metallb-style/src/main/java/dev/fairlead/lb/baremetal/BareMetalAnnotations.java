package dev.fairlead.lb.baremetal;

import java.util.Map;
import java.util.Optional;

/**
 * The Service annotations the bare-metal provider reads. Fairlead's own keys come first; MetalLB's
 * keys with the same meaning are honoured too, so Services migrate without edits (requested
 * addresses, {@code metallb.io/loadBalancerIPs} included, are read by the controller into the spec:
 * {@link dev.fairlead.kube.vocabulary.RequestedAddresses}).
 */
public final class BareMetalAnnotations {
  /** Take addresses from this IPAddressPool only. */
  public static final String ADDRESS_POOL = "fairlead.dev/address-pool";
  /** Services with the same value may share an address when their ports do not clash. */
  public static final String SHARING_KEY = "fairlead.dev/allow-shared-ip";
  /** MetalLB's pool annotation. */
  public static final String METALLB_ADDRESS_POOL = "metallb.io/address-pool";
  /** MetalLB's sharing annotation. */
  public static final String METALLB_SHARING_KEY = "metallb.io/allow-shared-ip";
  private BareMetalAnnotations() {}

  static Optional<String> first(Map<String, String> annotations, String... keys) {
    for (String key : keys) {
      String value = annotations.get(key);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.strip());
      }
    }
    return Optional.empty();
  }
}
