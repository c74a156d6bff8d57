package dev.fairlead.controller.kube;

import dev.fairlead.kube.vocabulary.Addresses;
import dev.fairlead.kube.vocabulary.Services;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Objects;

/** Converts provider statuses to {@code status.loadBalancer.ingress} and compares them. */
public final class StatusMapper {

  private StatusMapper() {}

  /**
   * The ingress list to publish.
   *
   * @param status the provider's status
   * @return the Kubernetes ingress entries
   */
  public static List<LoadBalancerIngress> toIngress(LoadBalancerStatus status) {
    return status.ingress().stream().map(StatusMapper::toIngress).toList();
  }

  private static LoadBalancerIngress toIngress(LoadBalancerStatus.Ingress ingress) {
    List<PortStatus> ports =
        ingress.ports().stream()
            .map(p -> new PortStatus(null, p.port(), p.protocol().name()))
            .toList();
    LoadBalancerIngressBuilder builder = new LoadBalancerIngressBuilder();
    switch (ingress) {
      case LoadBalancerStatus.Ip ip ->
          builder
              .withIp(IpLiteral.format(ip.address()))
              .withIpMode(ip.ipMode() == LoadBalancerStatus.IpMode.PROXY ? "Proxy" : "VIP");
      case LoadBalancerStatus.Hostname hostname -> builder.withHostname(hostname.hostname());
    }
    return builder.withPorts(ports.isEmpty() ? null : ports).build();
  }

  /**
   * Reads a published ingress list back into a provider status, for {@code recover} after a
   * restart. Entries that are neither a valid IP nor a hostname are skipped.
   *
   * @param ingress the published entries
   * @return the status (possibly with no entries)
   */
  public static LoadBalancerStatus fromIngress(List<LoadBalancerIngress> ingress) {
    List<LoadBalancerStatus.Ingress> entries = new java.util.ArrayList<>();
    for (LoadBalancerIngress entry : ingress) {
      if (entry.getIp() != null) {
        Addresses.parse(entry.getIp())
            .map(
                ip ->
                    new LoadBalancerStatus.Ip(
                        ip,
                        "Proxy".equals(entry.getIpMode())
                            ? LoadBalancerStatus.IpMode.PROXY
                            : LoadBalancerStatus.IpMode.VIP,
                        List.of()))
            .ifPresent(entries::add);
      } else if (entry.getHostname() != null && !entry.getHostname().isBlank()) {
        entries.add(new LoadBalancerStatus.Hostname(entry.getHostname()));
      }
    }
    return new LoadBalancerStatus(entries);
  }

  /**
   * Whether the Service already shows exactly this status (the controller then skips the patch).
   *
   * @param service the Service
   * @param desired the entries to publish
   * @return true if equal
   */
  public static boolean isPublished(Service service, List<LoadBalancerIngress> desired) {
    return normalized(Services.published(service)).equals(normalized(desired));
  }

  /** What an ingress entry means, ignoring serialization noise (absent vs empty lists). */
  private record Entry(String ip, String hostname, String ipMode, List<String> ports) {}

  private static List<Entry> normalized(List<LoadBalancerIngress> ingress) {
    return ingress.stream()
        .map(
            e ->
                new Entry(
                    e.getIp(),
                    e.getHostname(),
                    e.getIp() != null && e.getIpMode() == null ? "VIP" : e.getIpMode(),
                    e.getPorts() == null
                        ? List.of()
                        : e.getPorts().stream()
                            .map(p -> p.getPort() + "/" + Objects.requireNonNullElse(p.getProtocol(), "TCP"))
                            .toList()))
        .toList();
  }
}
