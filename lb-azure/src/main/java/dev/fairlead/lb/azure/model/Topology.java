package dev.fairlead.lb.azure.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a cluster's Azure resources live, as resource ids: the part of the provider settings the
 * model needs, without any I/O.
 *
 * @param cluster the cluster name; names the shared load balancers and the backend pool
 * @param subscription the subscription id
 * @param resourceGroup the resource group of the load balancers and, by default, of public IPs
 * @param location the region
 * @param vnetResourceGroup the resource group of the virtual network
 * @param vnetName the virtual network of the nodes
 * @param subnetName the default subnet of internal load balancers
 * @param securityGroup the network security group to write rules into, if managed
 */
public record Topology(
    String cluster,
    String subscription,
    String resourceGroup,
    String location,
    String vnetResourceGroup,
    String vnetName,
    String subnetName,
    Optional<SecurityGroupRef> securityGroup) {

  /**
   * A network security group.
   *
   * @param resourceGroup its resource group
   * @param name its name
   */
  public record SecurityGroupRef(String resourceGroup, String name) {}

  /** Checks that every part is present. */
  public Topology {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(resourceGroup, "resourceGroup");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(vnetResourceGroup, "vnetResourceGroup");
    Objects.requireNonNull(vnetName, "vnetName");
    Objects.requireNonNull(subnetName, "subnetName");
    Objects.requireNonNull(securityGroup, "securityGroup");
  }

  private String network(String group) {
    return "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.Network";
  }

  /**
   * The id of a load balancer in the cluster's resource group.
   *
   * @param name the load balancer
   * @return its id
   */
  public String loadBalancerId(String name) {
    return network(resourceGroup) + "/loadBalancers/" + name;
  }

  /**
   * The id of a public IP address.
   *
   * @param group its resource group
   * @param name its name
   * @return its id
   */
  public String publicIpId(String group, String name) {
    return network(group) + "/publicIPAddresses/" + name;
  }

  /**
   * The id of the nodes' virtual network.
   *
   * @return its id
   */
  public String vnetId() {
    return network(vnetResourceGroup) + "/virtualNetworks/" + vnetName;
  }

  /**
   * The id of a subnet of the nodes' virtual network.
   *
   * @param subnet the subnet's name
   * @return its id
   */
  public String subnetId(String subnet) {
    return vnetId() + "/subnets/" + subnet;
  }

  /**
   * The id of the managed network security group.
   *
   * @return its id, if one is managed
   */
  public Optional<String> securityGroupId() {
    return securityGroup.map(g -> network(g.resourceGroup()) + "/networkSecurityGroups/" + g.name());
  }
}
