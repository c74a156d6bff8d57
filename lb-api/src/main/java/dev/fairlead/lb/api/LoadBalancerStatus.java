package dev.fairlead.lb.api;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where clients reach a load balancer; the controller publishes it as {@code
 * status.loadBalancer.ingress}.
 *
 * @param ingress the entry points, in the order to publish them
 */
public record LoadBalancerStatus(List<Ingress> ingress) {

  /** Copies the list. */
  public LoadBalancerStatus {
    ingress = List.copyOf(ingress);
  }

  /**
   * A status with the given entries.
   *
   * @param ingress the entries
   * @return the status
   */
  public static LoadBalancerStatus of(Ingress... ingress) {
    return new LoadBalancerStatus(List.of(ingress));
  }

  /** One entry point. */
  public sealed interface Ingress {
    /**
     * The ports this entry serves, when the provider knows them per entry; empty otherwise.
     *
     * @return the ports
     */
    List<IngressPort> ports();
  }

  /**
   * An IP address clients connect to.
   *
   * @param address the address
   * @param ipMode how traffic reaches the node: {@link IpMode#VIP} if the destination stays the
   *     load balancer's IP, {@link IpMode#PROXY} if a proxy rewrites it
   * @param ports the ports served, or empty
   */
  public record Ip(InetAddress address, IpMode ipMode, List<IngressPort> ports) implements Ingress {
    /** Validates and copies. */
    public Ip {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(ipMode, "ipMode");
      ports = List.copyOf(ports);
    }

    /**
     * A VIP-mode address without per-entry ports.
     *
     * @param address the address
     */
    public Ip(InetAddress address) {
      this(address, IpMode.VIP, List.of());
    }
  }

  /**
   * A DNS name clients connect to (AWS load balancers).
   *
   * @param hostname the DNS name
   * @param ports the ports served, or empty
   */
  public record Hostname(String hostname, List<IngressPort> ports) implements Ingress {
    /** Validates and copies. */
    public Hostname {
      ServiceKey.requireText(hostname, "hostname");
      ports = List.copyOf(ports);
    }

    /**
     * A hostname without per-entry ports.
     *
     * @param hostname the DNS name
     */
    public Hostname(String hostname) {
      this(hostname, List.of());
    }
  }

  /** How traffic to an {@link Ip} arrives at the nodes (Kubernetes {@code ipMode}). */
  public enum IpMode {
    /** Packets keep the load balancer's IP as destination. */
    VIP,
    /** A proxy terminates the connection; packets arrive addressed to the node. */
    PROXY
  }

  /**
   * A port served by an entry point.
   *
   * @param port the port
   * @param protocol the protocol
   */
  public record IngressPort(int port, Protocol protocol) {
    /** Validates. */
    public IngressPort {
      Objects.requireNonNull(protocol, "protocol");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is outside 1-65535");
      }
    }
  }
}
