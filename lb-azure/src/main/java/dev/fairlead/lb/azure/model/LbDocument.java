package dev.fairlead.lb.azure.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A shared load balancer as the model sees it: the sub-resources with the fields the provider
 * manages. Sub-resources of others (an AKS outbound frontend, rules someone added by hand) appear
 * here too, so merges can keep them; the executor keeps their full content when it writes.
 *
 * @param exists whether the load balancer exists
 * @param etag its ETag, empty if it does not exist
 * @param frontends the frontend IP configurations
 * @param rules the load-balancing rules
 * @param probes the health probes
 * @param pools the backend pools
 * @param otherContent whether it has anything else (outbound or NAT rules), which keeps it alive
 *     even without frontends
 */
public record LbDocument(
    boolean exists,
    String etag,
    List<Frontend> frontends,
    List<Rule> rules,
    List<Probe> probes,
    List<Pool> pools,
    boolean otherContent) {

  /** Copies. */
  public LbDocument {
    Objects.requireNonNull(etag, "etag");
    frontends = List.copyOf(frontends);
    rules = List.copyOf(rules);
    probes = List.copyOf(probes);
    pools = List.copyOf(pools);
  }

  /**
   * A load balancer that does not exist.
   *
   * @return the empty document
   */
  public static LbDocument absent() {
    return new LbDocument(false, "", List.of(), List.of(), List.of(), List.of(), false);
  }

  /** Where a frontend's address comes from. */
  public sealed interface Target {
    /**
     * A public IP address resource.
     *
     * @param publicIpId its id
     */
    record PublicIp(String publicIpId) implements Target {}

    /**
     * A private address in a subnet.
     *
     * @param subnetId the subnet
     * @param staticAddress the requested address; empty lets Azure choose
     */
    record Subnet(String subnetId, Optional<String> staticAddress) implements Target {}

    /** Anything else (a gateway load balancer, an IP prefix): never one of ours. */
    record Other() implements Target {}
  }

  /**
   * A frontend IP configuration.
   *
   * @param name its name
   * @param target where its address comes from
   * @param privateAddress the private address Azure allocated, for subnet frontends; not compared
   */
  public record Frontend(String name, Target target, Optional<String> privateAddress) {
    /** Checks. */
    public Frontend {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(privateAddress, "privateAddress");
    }

    /**
     * Whether this frontend is configured like another (the allocated address is Azure's, not a
     * setting).
     *
     * @param other the other
     * @return true if name and target match
     */
    public boolean sameSettings(Frontend other) {
      return name.equalsIgnoreCase(other.name) && target.equals(other.target);
    }
  }

  /**
   * A load-balancing rule.
   *
   * @param name its name
   * @param frontend the frontend's name
   * @param protocol {@code Tcp} or {@code Udp}
   * @param frontendPort the port clients use
   * @param backendPort the port on the nodes
   * @param pool the backend pool's name
   * @param probe the probe's name, if any
   * @param floatingIp whether the destination stays the frontend address (DSR)
   * @param idleTimeoutMinutes the idle timeout
   * @param tcpReset whether idle connections get a TCP reset
   * @param loadDistribution {@code Default} (5-tuple hash) or {@code SourceIP} (a client stays on
   *     one node: the Service's {@code sessionAffinity: ClientIP})
   */
  public record Rule(
      String name,
      String frontend,
      String protocol,
      int frontendPort,
      int backendPort,
      String pool,
      Optional<String> probe,
      boolean floatingIp,
      int idleTimeoutMinutes,
      boolean tcpReset,
      String loadDistribution) {
    /** Checks. */
    public Rule {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(frontend, "frontend");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(probe, "probe");
      Objects.requireNonNull(loadDistribution, "loadDistribution");
    }
  }

  /**
   * A health probe.
   *
   * @param name its name
   * @param protocol {@code Tcp}, {@code Http} or {@code Https}
   * @param port the port probed on every node
   * @param requestPath the path for HTTP(S)
   * @param intervalSeconds seconds between probes
   * @param numberOfProbes failures before a node is taken out
   */
  public record Probe(
      String name, String protocol, int port, Optional<String> requestPath, int intervalSeconds, int numberOfProbes) {
    /** Checks. */
    public Probe {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(requestPath, "requestPath");
    }
  }

  /**
   * A backend pool.
   *
   * @param name its name
   * @param addresses its IP-based members, sorted by name; empty for a NIC-based pool
   */
  public record Pool(String name, List<PoolAddress> addresses) {
    /** Copies. */
    public Pool {
      Objects.requireNonNull(name, "name");
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * One IP-based member of a backend pool.
   *
   * @param name the node's name
   * @param address the node's address
   */
  public record PoolAddress(String name, String address) {}

  /**
   * The frontend of a name.
   *
   * @param name the name
   * @return the frontend, if present
   */
  public Optional<Frontend> frontend(String name) {
    return find(frontends, f -> f.name().equalsIgnoreCase(name));
  }

  /**
   * The pool of a name.
   *
   * @param name the name
   * @return the pool, if present
   */
  public Optional<Pool> pool(String name) {
    return find(pools, p -> p.name().equalsIgnoreCase(name));
  }

  private static <T> Optional<T> find(List<T> items, Predicate<T> test) {
    return items.stream().filter(test).findFirst();
  }
}
