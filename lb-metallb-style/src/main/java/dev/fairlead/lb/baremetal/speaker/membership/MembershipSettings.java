package dev.fairlead.lb.baremetal.speaker.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How the speakers find and watch each other.
 *
 * @param nodeName this node's name (the member's identity)
 * @param bindAddress the address to listen on, normally the node's InternalIP
 * @param port the TCP port for membership traffic; the crash detector listens on {@code port + 100}
 * @param seeds addresses of other speakers to contact on start (any subset that is up suffices)
 * @param failureTimeout a member silent for this long is suspected (link down, frozen host)
 * @param heartbeatInterval how often each member sends a heartbeat
 * @param verifyTimeout how long a suspected member gets to prove it is alive
 */
public record MembershipSettings(
    String nodeName,
    InetAddress bindAddress,
    int port,
    List<InetSocketAddress> seeds,
    Duration failureTimeout,
    Duration heartbeatInterval,
    Duration verifyTimeout) {

  /** Checks the timing relations. */
  public MembershipSettings {
    seeds = List.copyOf(seeds);
    if (heartbeatInterval.multipliedBy(2).compareTo(failureTimeout) > 0) {
      throw new IllegalArgumentException("the failure timeout (" + failureTimeout.toMillis()
          + " ms) must be at least twice the heartbeat interval (" + heartbeatInterval.toMillis()
          + " ms)");
    }
  }
}
