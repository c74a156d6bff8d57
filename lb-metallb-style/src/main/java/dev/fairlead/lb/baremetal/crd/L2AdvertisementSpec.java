package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** What an {@link L2Advertisement} selects. Validation happens in the speaker's election model. */
public class L2AdvertisementSpec {
  private List<String> ipAddressPools = new ArrayList<>();
  private List<LabelSelector> ipAddressPoolSelectors = new ArrayList<>();
  private List<LabelSelector> nodeSelectors = new ArrayList<>();
  private List<String> interfaces = new ArrayList<>();

  /**
   * Pools selected by name.
   *
   * @return pool names
   */
  public List<String> getIpAddressPools() {
    return ipAddressPools;
  }

  /**
   * Sets the pool names.
   *
   * @param ipAddressPools pool names
   */
  public void setIpAddressPools(List<String> ipAddressPools) {
    this.ipAddressPools = ipAddressPools;
  }

  /**
   * Pools selected by label; with neither names nor selectors, every pool is selected.
   *
   * @return label selectors
   */
  public List<LabelSelector> getIpAddressPoolSelectors() {
    return ipAddressPoolSelectors;
  }

  /**
   * Sets the pool selectors.
   *
   * @param ipAddressPoolSelectors label selectors
   */
  public void setIpAddressPoolSelectors(List<LabelSelector> ipAddressPoolSelectors) {
    this.ipAddressPoolSelectors = ipAddressPoolSelectors;
  }

  /**
   * Nodes that may announce (any selector matching is enough); empty means every node.
   *
   * @return label selectors
   */
  public List<LabelSelector> getNodeSelectors() {
    return nodeSelectors;
  }

  /**
   * Sets the node selectors.
   *
   * @param nodeSelectors label selectors
   */
  public void setNodeSelectors(List<LabelSelector> nodeSelectors) {
    this.nodeSelectors = nodeSelectors;
  }

  /**
   * Interfaces to announce on; empty means every interface the speaker uses.
   *
   * @return interface names
   */
  public List<String> getInterfaces() {
    return interfaces;
  }

  /**
   * Sets the interfaces.
   *
   * @param interfaces interface names
   */
  public void setInterfaces(List<String> interfaces) {
    this.interfaces = interfaces;
  }
}
