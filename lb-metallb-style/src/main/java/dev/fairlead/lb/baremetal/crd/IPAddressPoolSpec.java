package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** What an {@link IPAddressPool} offers and to whom. Validation happens in the IPAM model. */
public class IPAddressPoolSpec {
  private List<String> addresses = new ArrayList<>();
  private Boolean autoAssign;
  private Boolean avoidBuggyIPs;
  private List<String> namespaces = new ArrayList<>();
  private LabelSelector serviceSelector;

  /**
   * CIDRs ({@code 192.0.2.0/24}) or inclusive ranges ({@code 192.0.2.10-192.0.2.20}), IPv4 and IPv6.
   *
   * @return the address blocks
   */
  public List<String> getAddresses() {
    return addresses;
  }

  /**
   * Sets the address blocks.
   *
   * @param addresses the blocks
   */
  public void setAddresses(List<String> addresses) {
    this.addresses = addresses;
  }

  /**
   * Whether Services without an explicit request may get addresses from this pool (default true).
   *
   * @return the flag, or null for the default
   */
  public Boolean getAutoAssign() {
    return autoAssign;
  }

  /**
   * Sets auto-assignment.
   *
   * @param autoAssign the flag
   */
  public void setAutoAssign(Boolean autoAssign) {
    this.autoAssign = autoAssign;
  }

  /**
   * Whether to skip IPv4 addresses ending in .0 or .255, which some old clients mishandle.
   *
   * @return the flag, or null for false
   */
  public Boolean getAvoidBuggyIPs() {
    return avoidBuggyIPs;
  }

  /**
   * Sets the flag.
   *
   * @param avoidBuggyIPs the flag
   */
  public void setAvoidBuggyIPs(Boolean avoidBuggyIPs) {
    this.avoidBuggyIPs = avoidBuggyIPs;
  }

  /**
   * If not empty, only Services in these namespaces may use the pool.
   *
   * @return namespace names
   */
  public List<String> getNamespaces() {
    return namespaces;
  }

  /**
   * Sets the namespaces.
   *
   * @param namespaces namespace names
   */
  public void setNamespaces(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  /**
   * If set, only Services whose labels match may use the pool.
   *
   * @return the selector, or null
   */
  public LabelSelector getServiceSelector() {
    return serviceSelector;
  }

  /**
   * Sets the selector.
   *
   * @param serviceSelector the selector
   */
  public void setServiceSelector(LabelSelector serviceSelector) {
    this.serviceSelector = serviceSelector;
  }
}
