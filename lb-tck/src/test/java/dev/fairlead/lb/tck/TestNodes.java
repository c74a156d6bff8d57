package dev.fairlead.lb.tck;

import dev.fairlead.lb.api.BackendNode;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/** Backend nodes for the kit's own tests. */
public final class TestNodes {
  private TestNodes() {}

  /**
   * Three nodes with private addresses.
   *
   * @return the nodes, sorted by name
   */
  public static List<BackendNode> three() {
    return List.of(
        node("node-a", "10.0.0.1"), node("node-b", "10.0.0.2"), node("node-c", "10.0.0.3"));
  }

  private static BackendNode node(String name, String address) {
    return new BackendNode(
        name, "fake:///" + name, List.of(InetAddress.ofLiteral(address)), Map.of("zone", "a"));
  }
}
