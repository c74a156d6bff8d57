package dev.fairlead.lb.baremetal.speaker.election;

import dev.fairlead.kube.vocabulary.AddressRange;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * An address pool as the speaker sees it.
 *
 * @param name the pool's name
 * @param labels the pool's labels (advertisements select pools by label too)
 * @param blocks its address blocks (malformed entries left out: the controller reports those)
 */
public record PoolInfo(String name, Map<String, String> labels, List<AddressRange> blocks) {
  /** Copies. */
  public PoolInfo {
    labels = Map.copyOf(labels);
    blocks = List.copyOf(blocks);
  }

  /**
   * Whether the address lies in this pool.
   *
   * @param address an address
   * @return true if inside a block
   */
  public boolean contains(InetAddress address) {
    return blocks.stream().anyMatch(b -> b.contains(address));
  }
}
