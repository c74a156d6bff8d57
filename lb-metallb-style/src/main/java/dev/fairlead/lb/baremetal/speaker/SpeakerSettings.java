package dev.fairlead.lb.baremetal.speaker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the speaker is configured with.
 *
 * @param nodeName this node
 * @param interfaces interfaces to answer on; empty = every eligible interface
 * @param bindAddress membership address; empty = the Node's InternalIP
 * @param membershipPort membership TCP port
 * @param peers membership seeds; empty = every Node's InternalIP
 * @param metricsPort port for /metrics, -1 = off
 * @param probeTimeout how long to listen for answers to the ARP probe / DAD before claiming; zero =
 *     no probe
 * @param failureTimeout silence after which a speaker is suspected
 * @param heartbeatInterval heartbeat period
 * @param verifyTimeout how long a suspect gets to answer
 * @param loadBalancerClass the class served; empty = Services without a class
 * @param secretNamespace namespace of BGP password Secrets that name none
 */
public record SpeakerSettings(
    String nodeName,
    List<String> interfaces,
    Optional<InetAddress> bindAddress,
    int membershipPort,
    List<InetSocketAddress> peers,
    int metricsPort,
    Duration probeTimeout,
    Duration failureTimeout,
    Duration heartbeatInterval,
    Duration verifyTimeout,
    Optional<String> loadBalancerClass,
    String secretNamespace) {

  /** Copies the lists. */
  public SpeakerSettings {
    interfaces = List.copyOf(interfaces);
    peers = List.copyOf(peers);
  }
}
