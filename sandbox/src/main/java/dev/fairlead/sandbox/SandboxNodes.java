package dev.fairlead.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairlead.sandbox.api.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The Node objects the sandbox seeds, shaped like the chosen provider's nodes. */
final class SandboxNodes {
  private SandboxNodes() {}

  /**
   * A cloud instance backing a node.
   *
   * @param providerId e.g. {@code aws:///eu-west-1a/i-0123}
   * @param zone the availability zone ({@code topology.kubernetes.io/zone})
   * @param region the region ({@code topology.kubernetes.io/region})
   * @param privateIp its private address
   */
  record Instance(String providerId, String zone, String region, String privateIp) {}

  /**
   * Bare-metal nodes: no providerID, InternalIP 192.0.2.11.. and 2001:db8:0:1::11...
   *
   * @param count how many
   * @param now creation time
   * @return the nodes
   */
  static List<ObjectNode> bareMetal(int count, Instant now) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = "sandbox-node-" + i;
      out.add(node(name, null, null, null, List.of("192.0.2." + (10 + i), "2001:db8:0:1::" + (10 + i)), now));
    }
    return out;
  }

  /**
   * Cloud nodes, one per instance, with the instance's providerID, zone label and address.
   *
   * @param instances the instances
   * @param now creation time
   * @return the nodes
   */
  static List<ObjectNode> cloud(List<Instance> instances, Instant now) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < instances.size(); i++) {
      Instance instance = instances.get(i);
      out.add(node("sandbox-node-" + (i + 1), instance.providerId(), instance.zone(), instance.region(),
          List.of(instance.privateIp()), now));
    }
    return out;
  }

  private static ObjectNode node(String name, String providerId, String zone, String region,
      List<String> addresses, Instant now) {
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
    ObjectNode labels = node.putObject("metadata").put("name", name).putObject("labels");
    labels.put("kubernetes.io/hostname", name).put("kubernetes.io/os", "linux")
        .put("kubernetes.io/arch", "amd64");
    if (zone != null) {
      labels.put("topology.kubernetes.io/zone", zone).put("topology.kubernetes.io/region", region);
    }
    ObjectNode spec = node.putObject("spec");
    if (providerId != null) {
      spec.put("providerID", providerId);
    }
    ObjectNode status = node.putObject("status");
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
        .put("reason", "KubeletReady").put("message", "kubelet is posting ready status (sandbox)")
        .put("lastHeartbeatTime", time).put("lastTransitionTime", time);
    ArrayNode list = status.putArray("addresses");
    addresses.forEach(a -> list.addObject().put("type", "InternalIP").put("address", a));
    list.addObject().put("type", "Hostname").put("address", name);
    status.putObject("nodeInfo").put("kubeletVersion", "v1.32.0-sandbox").put("osImage", "fairlead sandbox")
        .put("kernelVersion", "n/a").put("containerRuntimeVersion", "none://sandbox")
        .put("operatingSystem", "linux").put("architecture", "amd64").put("machineID", "").put("systemUUID", "")
        .put("bootID", "").put("kubeProxyVersion", "");
    return node;
  }
}
