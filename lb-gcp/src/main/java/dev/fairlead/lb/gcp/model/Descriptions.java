package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.ServiceKey;
import dev.fairlead.lb.cloud.Checkpoint;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The descriptions Fairlead writes: upstream's JSON ({@code {"kubernetes.io/service-name":"ns/name"}},
 * plus {@code kubernetes.io/service-ip} on the traffic firewall) so upstream tooling reads them,
 * with the cluster added; the traffic firewall carries a second line, the {@link Checkpoint}:
 * the model fingerprint, the address and the UID of the Service whose load balancer is complete.
 */
public final class Descriptions {
  private static final Pattern SERVICE = Pattern.compile("\"kubernetes\\.io/service-name\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern CLUSTER = Pattern.compile("\"fairlead\\.dev/cluster\"\\s*:\\s*\"([^\"]+)\"");

  private Descriptions() {}

  /**
   * The description of a resource of a Service.
   *
   * @param service the Service
   * @param cluster the cluster
   * @return the JSON line
   */
  public static String of(ServiceKey service, String cluster) {
    return "{\"kubernetes.io/service-name\":\"" + service.qualifiedName() + "\",\"fairlead.dev/cluster\":\"" + cluster + "\"}";
  }

  /**
   * The description of the traffic firewall: the JSON with the address, and the checkpoint.
   *
   * @param model the model
   * @param cluster the cluster
   * @param ip the load balancer's address
   * @param complete whether the load balancer is complete (false withdraws the checkpoint)
   * @return two lines
   */
  public static String firewall(LbModel model, String cluster, String ip, boolean complete) {
    String json = "{\"kubernetes.io/service-name\":\"" + model.service().qualifiedName()
        + "\",\"kubernetes.io/service-ip\":\"" + ip + "\",\"fairlead.dev/cluster\":\"" + cluster + "\"}";
    Checkpoint checkpoint = Checkpoint.of(Map.of("fp", complete ? model.fingerprint() : "pending", "ip", ip,
        "uid", model.service().uid(), "c", cluster, "internal", String.valueOf(model.internal())));
    return json + "\n" + checkpoint.encode();
  }

  /**
   * The Service a description names, as upstream wrote it.
   *
   * @param description the text
   * @return {@code ns/name}
   */
  public static Optional<String> serviceName(String description) {
    Matcher m = SERVICE.matcher(description == null ? "" : description);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * The cluster a description names, if Fairlead wrote it.
   *
   * @param description the text
   * @return the cluster, or empty for upstream's descriptions
   */
  public static Optional<String> cluster(String description) {
    Matcher m = CLUSTER.matcher(description == null ? "" : description);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Whether a resource may be adopted by a Service of a cluster: its description names this
   * Service (upstream's, or ours for this cluster), or it has none.
   *
   * @param description the resource's description
   * @param service the Service
   * @param cluster the cluster
   * @return false if it belongs to another Service or another cluster
   */
  public static boolean adoptable(String description, ServiceKey service, String cluster) {
    Optional<String> owner = serviceName(description);
    Optional<String> ownerCluster = cluster(description);
    return owner.map(o -> o.equals(service.qualifiedName())).orElse(true)
        && ownerCluster.map(c -> c.equals(cluster)).orElse(true);
  }
}
