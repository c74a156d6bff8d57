package dev.fairlead.kube.vocabulary;

import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.IpLiteral;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The addresses a Service asks for: {@code spec.loadBalancerIP}, or one address per IP family in
 * the annotation {@value #ANNOTATION} (MetalLB's {@value #METALLB_ANNOTATION} means the same and is
 * honoured too, so Services migrate without edits). At most one of them may be set.
 */
public final class RequestedAddresses {

  /** Asks for several addresses (one per family for dual-stack), comma-separated. */
  public static final String ANNOTATION = "fairlead.dev/load-balancer-ips";

  /** MetalLB's annotation with the same meaning. */
  public static final String METALLB_ANNOTATION = "metallb.io/loadBalancerIPs";

  private RequestedAddresses() {}

  /**
   * Reads the requested addresses.
   *
   * @param loadBalancerIp {@code spec.loadBalancerIP}, may be null
   * @param annotations the Service's annotations
   * @param families the Service's IP families
   * @return the addresses, at most one per family; empty if none is requested
   * @throws InvalidFieldException naming the field if a value is not an address, two sources are
   *     combined, a family repeats or an address is not of the Service's families
   */
  public static List<InetAddress> of(
      String loadBalancerIp, Map<String, String> annotations, List<IpFamily> families) {
    List<String> fields = new ArrayList<>();
    List<String> values = new ArrayList<>();
    if (loadBalancerIp != null && !loadBalancerIp.isBlank()) {
      fields.add("spec.loadBalancerIP");
      values.add(loadBalancerIp);
    }
    for (String key : List.of(ANNOTATION, METALLB_ANNOTATION)) {
      String value = annotations.get(key);
      if (value != null && !value.isBlank()) {
        fields.add("annotation " + key);
        values.add(value);
      }
    }
    if (fields.isEmpty()) {
      return List.of();
    }
    if (fields.size() > 1) {
      throw new InvalidFieldException(fields.get(1), "cannot be combined with " + fields.get(0)
          + "; use one of them");
    }
    String field = fields.get(0);
    List<InetAddress> result = new ArrayList<>();
    for (String part : values.get(0).split(",")) {
      InetAddress address;
      try {
        address = IpLiteral.parse(part);
      } catch (IllegalArgumentException e) {
        throw new InvalidFieldException(field, "'" + part.strip() + "' is not an IP address");
      }
      IpFamily family = IpFamily.of(address);
      if (result.stream().anyMatch(a -> IpFamily.of(a) == family)) {
        throw new InvalidFieldException(field, "lists more than one " + family.kubernetesName() + " address");
      }
      if (!families.contains(family)) {
        throw new InvalidFieldException(field, IpLiteral.format(address) + " is "
            + family.kubernetesName() + " but the Service's ipFamilies are "
            + families.stream().map(IpFamily::kubernetesName).toList());
      }
      result.add(address);
    }
    return result;
  }
}
