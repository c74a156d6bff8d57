package dev.fairlead.lb.baremetal.speaker.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real tools, run in the client namespace: arping, ndisc6, nc, ip neigh. */
final class Client {
  private static final Pattern ARPING_REPLY =
      Pattern.compile("bytes from ([0-9a-f:]{17}) \\(", Pattern.CASE_INSENSITIVE);
  private static final Pattern ARPING_SENT = Pattern.compile("(\\d+) packets transmitted");
  private static final Pattern NDISC_TARGET =
      Pattern.compile("Target link-layer address: ([0-9A-F:]{17})", Pattern.CASE_INSENSITIVE);
  private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");

  private final String ns;

  Client(String ns) {
    this.ns = ns;
  }

  /**
   * ARP requests from the client.
   *
   * @param sent requests sent
   * @param macs the MAC of every reply, in order (duplicates = several answers per request)
   */
  record Arping(int sent, List<String> macs) {
    boolean answeredBy(String mac) {
      return !macs.isEmpty() && macs.stream().allMatch(mac::equalsIgnoreCase);
    }

    /**
     * Every request answered, all by one MAC (a reply of a gratuitous burst in progress may add a
     * line from the same node, so this counts nodes, not frames).
     */
    boolean everyRequestAnsweredByOneNode() {
      return macs.size() >= sent && macs.stream().distinct().count() == 1;
    }
  }

  Arping arping(String vip, int count) {
    Shell.Result r = Topology.tryExec(15, ns, "arping", "-c", String.valueOf(count), "-W", "0.2",
        "-w", "3", "-I", "eth0", vip);
    List<String> macs = new ArrayList<>();
    Matcher m = ARPING_REPLY.matcher(r.output());
    while (m.find()) {
      macs.add(m.group(1).toLowerCase());
    }
    Matcher s = ARPING_SENT.matcher(r.output());
    return new Arping(s.find() ? Integer.parseInt(s.group(1)) : count, macs);
  }

  /**
   * The MAC of every advertisement for the target seen within a second of one solicitation (ndisc6
   * -m): answers, and unsolicited advertisements of a burst in progress, so one answering node
   * shows up as one distinct MAC.
   */
  List<String> ndisc(String vip6) {
    Shell.Result r = Topology.tryExec(15, ns, "ndisc6", "-m", "-n", "-r", "1", "-w", "1000", vip6, "eth0");
    List<String> macs = new ArrayList<>();
    Matcher m = NDISC_TARGET.matcher(r.output());
    while (m.find()) {
      macs.add(m.group(1).toLowerCase());
    }
    return macs;
  }

  /** The first line the server behind {@code address}:8080 sends (its node name), if it connects. */
  Optional<String> connect(String address) {
    Shell.Result r = Topology.tryExec(10, ns, "nc", "-w", "2", address, "8080");
    String out = r.output().strip();
    return r.ok() && out.matches("node\\d+") ? Optional.of(out) : Optional.empty();
  }

  /** The MAC the client's kernel has cached for {@code address}, if any. */
  Optional<String> neighbor(String address) {
    Shell.Result r = Topology.tryExec(5, ns, "ip", "neigh", "show", address, "dev", "eth0");
    Matcher m = LLADDR.matcher(r.output());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
