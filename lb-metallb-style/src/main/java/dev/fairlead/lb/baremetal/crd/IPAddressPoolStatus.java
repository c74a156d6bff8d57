package dev.fairlead.lb.baremetal.crd;

/**
 * Usage of an {@link IPAddressPool}, written by one controller (the default implementation's, or
 * the one configured with {@code writePoolStatus: true}). Counts include addresses any Service
 * publishes, whichever controller allocated them. The IPv6 free count is a decimal string, exact
 * even for a /64 (18446744073709551616), which no JSON integer Kubernetes accepts can hold.
 */
public class IPAddressPoolStatus {
  private long allocatedIPv4;
  private long allocatedIPv6;
  private long freeIPv4;
  private String freeIPv6;
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
   * IPv6 addresses still free, as a decimal number (exact for any block).
   *
   * @return the count, or null if not written yet
   */
  public String getFreeIPv6() {
    return freeIPv6;
  }

  /**
   * Sets the count.
   *
   * @param value the count, decimal
   */
  public void setFreeIPv6(String value) {
    this.freeIPv6 = value;
  }

  /**
   * Why entries of the pool, or the whole pool, are not used (invalid, or overlapping another
   * pool's addresses), or null.
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
