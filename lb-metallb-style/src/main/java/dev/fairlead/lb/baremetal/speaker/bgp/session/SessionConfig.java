package dev.fairlead.lb.baremetal.speaker.bgp.session;

import java.time.Duration;

/**
 * How one session behaves.
 *
 * @param localAs this speaker's AS
 * @param peerAs the peer's expected AS
 * @param routerId this speaker's BGP identifier (non-zero)
 * @param holdTime proposed hold time in seconds: 0 or 3..65535
 * @param keepaliveTime seconds between KEEPALIVEs; 0 = a third of the negotiated hold time
 * @param gracefulRestart advertise graceful restart (RFC 4724 with RFC 8538's N bit)
 * @param restartTime seconds the peer keeps this speaker's routes while it restarts
 * @param restarted set the R bit: this process has just started and the peer may hold stale routes
 * @param firstRetry delay before the first reconnect after a failure
 * @param maxRetry the longest delay between connection attempts
 */
public record SessionConfig(long localAs, long peerAs, long routerId, int holdTime,
    int keepaliveTime, boolean gracefulRestart, int restartTime, boolean restarted,
    Duration firstRetry, Duration maxRetry) {

  /** Validates. */
  public SessionConfig {
    if (localAs < 1 || localAs > 0xFFFF_FFFFL || peerAs < 1 || peerAs > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("AS numbers must be 1..4294967295");
    }
    if (routerId == 0 || routerId > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("router ID must be a non-zero IPv4 address");
    }
    if (holdTime != 0 && (holdTime < 3 || holdTime > 65535)) {
      throw new IllegalArgumentException("hold time must be 0 or 3..65535 s, got " + holdTime);
    }
    if (keepaliveTime < 0 || (holdTime > 0 && keepaliveTime > holdTime)) {
      throw new IllegalArgumentException("keepalive time must be 0..hold time, got " + keepaliveTime);
    }
    if (restartTime < 0 || restartTime > 4095) {
      throw new IllegalArgumentException("restart time must be 0..4095 s, got " + restartTime);
    }
    if (firstRetry.isNegative() || maxRetry.compareTo(firstRetry) < 0) {
      throw new IllegalArgumentException("retry delays must be 0 <= first <= max");
    }
  }

  /**
   * Whether the peer is in another AS.
   *
   * @return true for eBGP
   */
  public boolean external() {
    return localAs != peerAs;
  }
}
