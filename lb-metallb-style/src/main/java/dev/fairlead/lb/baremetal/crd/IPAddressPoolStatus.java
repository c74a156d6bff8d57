package dev.fairlead.lb.baremetal.crd;

/**
 * Usage of an {@link IPAddressPool}, written by the controller. Counts above {@link Long#MAX_VALUE}
 * (large IPv6 blocks) are capped.
 */
public class IPAddressPoolStatus {
  private long allocatedIPv4;
  private long allocatedIPv6;
  private long freeIPv4;
  private long freeIPv6;
  private String error;

  /**
   * IPv4 addresses assigned to Services.
   *
   * @return the count
   */
  public long getAllocatedIPv4() {
    return allocatedIPv4;
  }

  /**
   * Sets the count.
   *
   * @param value the count
   */
  public void setAllocatedIPv4(long value) {
    this.allocatedIPv4 = value;
  }

  /**
   * IPv6 addresses assigned to Services.
   *
   * @return the count
   */
  public long getAllocatedIPv6() {
    return allocatedIPv6;
  }

  /**
   * Sets the count.
   *
   * @param value the count
   */
  public void setAllocatedIPv6(long value) {
    this.allocatedIPv6 = value;
  }

  /**
   * IPv4 addresses still free.
   *
   * @return the count
   */
  public long getFreeIPv4() {
    return freeIPv4;
  }

  /**
   * Sets the count.
   *
   * @param value the count
   */
  public void setFreeIPv4(long value) {
    this.freeIPv4 = value;
  }

  /**
   * IPv6 addresses still free (capped).
   *
   * @return the count
   */
  public long getFreeIPv6() {
    return freeIPv6;
  }

  /**
   * Sets the count.
   *
   * @param value the count
   */
  public void setFreeIPv6(long value) {
    this.freeIPv6 = value;
  }

  /**
   * Why the pool is not usable (invalid or overlapping addresses), or null.
   *
   * @return the error
   */
  public String getError() {
    return error;
  }

  /**
   * Sets the error.
   *
   * @param error the error, or null
   */
  public void setError(String error) {
    this.error = error;
  }
}
