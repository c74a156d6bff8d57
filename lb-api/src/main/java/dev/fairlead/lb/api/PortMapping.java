package dev.fairlead.lb.api;

import java.util.Objects;

/**
 * One Service port: the load balancer listens on {@code port} and forwards to {@code nodePort} on
 * every backend node.
 *
 * @param name the Service port name; empty when the Service has a single unnamed port
 * @param protocol the protocol
 * @param port the port clients connect to, 1 to 65535
 * @param nodePort the node port traffic is forwarded to, 1 to 65535, or 0 when the Service has no
 *     node ports ({@code allocateLoadBalancerNodePorts: false}); providers that need node ports
 *     reject 0 with {@link UnsupportedFeatureException}
 */
public record PortMapping(String name, Protocol protocol, int port, int nodePort) {

  /** Validates the ports. */
  public PortMapping {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1-65535");
    }
    if (nodePort < 0 || nodePort > 65535) {
      throw new IllegalArgumentException("nodePort " + nodePort + " is outside 0-65535");
    }
  }

  /**
   * A short label such as {@code 443/TCP}.
   *
   * @return port and protocol
   */
  public String label() {
    return port + "/" + protocol;
  }
}
