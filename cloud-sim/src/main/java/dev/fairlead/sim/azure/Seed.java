package dev.fairlead.sim.azure;

/**
 * The network a cluster's nodes live in, as the sandbox and {@code fairlead cloud-sim azure} seed
 * it: one resource group with virtual network {@value #VNET} (192.0.2.0/24, documentation range),
 * subnet {@value #SUBNET} and network security group {@value #NSG}.
 */
public final class Seed {
  /** The virtual network's name. */
  public static final String VNET = "fairlead-vnet";
  /** The subnet's name. */
  public static final String SUBNET = "fairlead-nodes";
  /** The security group's name. */
  public static final String NSG = "fairlead-nsg";
  /** The subnet's prefix; node and internal load-balancer addresses come from it. */
  public static final String PREFIX = "192.0.2.0/24";

  private Seed() {}

  /**
   * Seeds the network.
   *
   * @param sim the simulator
   * @param subscription the subscription
   * @param group the resource group
   * @param location the region
   */
  public static void cluster(ArmSimulator sim, String subscription, String group, String location) {
    sim.createResourceGroup(subscription, group, location);
    sim.createVirtualNetwork(subscription, group, location, VNET, PREFIX, SUBNET, PREFIX);
    sim.createSecurityGroup(subscription, group, location, NSG);
    sim.note("Seeded: subscription " + subscription + ", resource group " + group + " (" + location
        + ") with virtual network " + VNET + " (" + PREFIX + "), subnet " + SUBNET + ", security group " + NSG);
  }
}
