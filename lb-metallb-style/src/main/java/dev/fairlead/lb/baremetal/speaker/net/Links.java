package dev.fairlead.lb.baremetal.speaker.net;

import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Finds the interfaces to answer on. By default: every interface that is up, has an Ethernet
 * address, is not loopback, not {@code NOARP} (dummy interfaces that carry the VIPs for kube-proxy),
 * not enslaved to a bond or bridge (the master answers instead), and not one of the virtual
 * interfaces container networking creates ({@link #VIRTUAL_PREFIXES}: pod veths, CNI bridges and
 * tunnels, where a VIP must never be answered). {@code --interfaces} names interfaces explicitly.
 * The speaker re-reads the interfaces whenever the kernel reports a change ({@link LinkMonitor}).
 */
public final class Links {
  /** Name prefixes skipped by default (CNI, container runtimes, tunnels, kube-proxy). */
  public static final List<String> VIRTUAL_PREFIXES = List.of("veth", "cali", "cni", "flannel",
      "cilium", "lxc", "docker", "virbr", "kube-ipvs", "vxlan", "tunl", "nodelocaldns", "cbr",
      "weave", "genev", "tap", "kube-bridge");
  private static final int IFF_NOARP = 0x80;
  private final Path sysClassNet;

  /**
   * Reads flags from {@code sysClassNet}.
   *
   * @param sysClassNet normally {@code /sys/class/net}
   */
  public Links(Path sysClassNet) {
    this.sysClassNet = sysClassNet;
  }

  /**
   * The interfaces of this host's network namespace.
   *
   * @return the default instance
   */
  public static Links system() {
    return new Links(Path.of("/sys/class/net"));
  }

  /**
   * Every eligible interface.
   *
   * @return eligible interfaces, sorted by name
   */
  public List<Link> eligible() {
    List<Link> result = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        boolean virtual = VIRTUAL_PREFIXES.stream().anyMatch(nic.getName()::startsWith);
        if (!virtual && whyNotEligible(nic).isEmpty()) {
          result.add(toLink(nic));
        }
      }
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    result.sort((a, b) -> a.name().compareTo(b.name()));
    return result;
  }

  /**
   * The interfaces to answer on right now.
   *
   * @param names the configured names; empty means every eligible interface
   * @return the usable ones; named interfaces that are missing or unusable are left out (they may
   *     appear later)
   */
  public List<Link> select(List<String> names) {
    if (names.isEmpty()) {
      return eligible();
    }
    List<Link> result = new ArrayList<>();
    for (String name : names) {
      try {
        result.add(require(name));
      } catch (IllegalArgumentException e) {
        // not there (yet), or not usable right now
      }
    }
    return result;
  }

  /**
   * The named interface if it can be used.
   *
   * @param name interface name
   * @return the link
   * @throws IllegalArgumentException saying why it cannot be used
   */
  public Link require(String name) {
    try {
      NetworkInterface nic = NetworkInterface.getByName(name);
      if (nic == null) {
        throw new IllegalArgumentException("interface " + name + " does not exist");
      }
      Optional<String> why = whyNotEligible(nic);
      if (why.isPresent()) {
        throw new IllegalArgumentException("interface " + name + " " + why.get());
      }
      return toLink(nic);
    } catch (SocketException e) {
      throw new IllegalArgumentException("cannot read interface " + name + ": " + e.getMessage());
    }
  }

  private Optional<String> whyNotEligible(NetworkInterface nic) throws SocketException {
    byte[] hardware = nic.getHardwareAddress();
    if (nic.isLoopback()) {
      return Optional.of("is a loopback interface");
    }
    if (hardware == null || hardware.length != 6) {
      return Optional.of("has no Ethernet address");
    }
    if (!nic.isUp()) {
      return Optional.of("is down");
    }
    Path dir = sysClassNet.resolve(nic.getName());
    if (Files.exists(dir.resolve("master"))) {
      return Optional.of("is enslaved to a bond or bridge (use the master interface)");
    }
    try {
      String flags = Files.readString(dir.resolve("flags")).strip();
      if ((Integer.decode(flags) & IFF_NOARP) != 0) {
        return Optional.of("has ARP disabled (NOARP)");
      }
    } catch (IOException | NumberFormatException e) {
      // no sysfs (unusual); the checks above are enough
    }
    return Optional.empty();
  }

  private static Link toLink(NetworkInterface nic) throws SocketException {
    Optional<Inet6Address> linkLocal = nic.inetAddresses()
        .filter(a -> a instanceof Inet6Address && a.isLinkLocalAddress())
        .map(a -> (Inet6Address) a)
        .findFirst();
    return new Link(nic.getName(), nic.getIndex(), new Mac(nic.getHardwareAddress()), linkLocal);
  }
}
