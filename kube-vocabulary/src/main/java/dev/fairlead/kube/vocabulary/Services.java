package dev.fairlead.kube.vocabulary;

import dev.fairlead.lb.api.ServiceKey;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a Service object says, read the same way everywhere. */
public final class Services {
  private Services() {}

  /**
   * The provider-neutral key of a Service.
   *
   * @param service the Service, with namespace, name and UID
   * @return the key
   * @throws IllegalArgumentException if a part is missing
   */
  public static ServiceKey key(Service service) {
    var metadata = service.getMetadata();
    return new ServiceKey(metadata.getNamespace(), metadata.getName(), metadata.getUid());
  }

  /**
   * The entries of {@code status.loadBalancer.ingress}.
   *
   * @param service the Service
   * @return the entries, empty if none
   */
  public static List<LoadBalancerIngress> published(Service service) {
    if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null) {
      return List.of();
    }
    List<LoadBalancerIngress> ingress = service.getStatus().getLoadBalancer().getIngress();
    return ingress == null ? List.of() : ingress;
  }

  /**
   * The IP addresses the Service publishes in {@code status.loadBalancer.ingress}, in order,
   * without repeats; hostnames and malformed entries are skipped.
   *
   * @param service the Service
   * @return the addresses
   */
  public static List<InetAddress> publishedAddresses(Service service) {
    List<InetAddress> result = new ArrayList<>();
    for (LoadBalancerIngress entry : published(service)) {
      Addresses.parse(entry.getIp()).filter(ip -> !result.contains(ip)).ifPresent(result::add);
    }
    return result;
  }

  /**
   * The Service's labels.
   *
   * @param service the Service
   * @return the labels, empty if none
   */
  public static Map<String, String> labels(Service service) {
    Map<String, String> labels = service.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /**
   * The Service's annotations.
   *
   * @param service the Service
   * @return the annotations, empty if none
   */
  public static Map<String, String> annotations(Service service) {
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  /**
   * The Service's pod selector.
   *
   * @param service the Service
   * @return the selector, empty if none
   */
  public static Map<String, String> selector(Service service) {
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    return selector == null ? Map.of() : selector;
  }
}
