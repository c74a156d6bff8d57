package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.speaker.packet.DropReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/** The speaker's Prometheus metrics, in a registry of its own. */
public final class SpeakerMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge vipsHeld;
  private final Gauge members;
  private final Counter announcements;
  private final Counter responses;
  private final Counter dropped;
  private final Counter elections;
  private final Counter ownershipChanges;
  private final Counter probes;
  private final Counter conflicts;
  private final Counter refused;
  private final Gauge standingDown;
  private final Gauge keys;
  private final Counter keyErrors;

  /** Creates the metrics. */
  public SpeakerMetrics() {
    vipsHeld = Gauge.builder().name("fairlead_speaker_vips_held")
        .help("VIPs this node currently answers for").labelNames("family").register(registry);
    members = Gauge.builder().name("fairlead_speaker_members")
        .help("Live speakers in the membership group, this one included").register(registry);
    announcements = Counter.builder().name("fairlead_speaker_announcements_sent_total")
        .help("Gratuitous ARP rounds (request + reply) and unsolicited neighbor advertisements sent,"
            + " per VIP and interface")
        .labelNames("family").register(registry);
    responses = Counter.builder().name("fairlead_speaker_responses_sent_total")
        .help("ARP replies and solicited neighbor advertisements sent").labelNames("family")
        .register(registry);
    dropped = Counter.builder().name("fairlead_speaker_requests_ignored_total")
        .help("Received ARP/NDP frames not answered, by reason").labelNames("family", "reason")
        .register(registry);
    elections = Counter.builder().name("fairlead_speaker_elections_total")
        .help("Election runs (after a change of Services, Nodes, endpoints, pools or members)")
        .register(registry);
    ownershipChanges = Counter.builder().name("fairlead_speaker_ownership_changes_total")
        .help("VIPs this node started (acquired) or stopped (released) answering for")
        .labelNames("change").register(registry);
    probes = Counter.builder().name("fairlead_speaker_probes_total")
        .help("ARP probes / DAD before claiming a VIP, by outcome (clear, handover from another"
            + " speaker, conflict with a foreign host)")
        .labelNames("result").register(registry);
    conflicts = Counter.builder().name("fairlead_speaker_address_conflicts_total")
        .help("Foreign hosts seen answering, announcing or probing for a VIP").labelNames("family")
        .register(registry);
    refused = Counter.builder().name("fairlead_speaker_membership_refused_total")
        .help("Membership messages or connections refused because they could not be"
            + " authenticated, by reason (not_sealed, unknown_key, forged, replayed,"
            + " spoofed_address, sealed_but_no_key)")
        .labelNames("reason").register(registry);
    standingDown = Gauge.builder().name("fairlead_speaker_standing_down")
        .help("1 while this speaker announces nothing because at least as many peers refuse its"
            + " membership traffic as it has members (it holds the wrong key or none)")
        .register(registry);
    keys = Gauge.builder().name("fairlead_speaker_membership_keys")
        .help("Membership keys loaded, by fingerprint and use (send, accept); none when the"
            + " speaker runs without keys")
        .labelNames("fingerprint", "use").register(registry);
    keyErrors = Counter.builder().name("fairlead_speaker_membership_key_errors_total")
        .help("Changes of the membership Secret that were not usable (the previous keys stay)")
        .register(registry);
    standingDown.set(0);
    vipsHeld.labelValues("ipv4").set(0);
    vipsHeld.labelValues("ipv6").set(0);
  }

  /**
   * The registry to scrape.
   *
   * @return the registry
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  static String family(InetAddress address) {
    return address instanceof Inet4Address ? "ipv4" : "ipv6";
  }

  void held(int ipv4, int ipv6) {
    vipsHeld.labelValues("ipv4").set(ipv4);
    vipsHeld.labelValues("ipv6").set(ipv6);
  }

  void members(int count) {
    members.set(count);
  }

  void announced(InetAddress vip) {
    announcements.labelValues(family(vip)).inc();
  }

  void responded(String family) {
    responses.labelValues(family).inc();
  }

  void ignored(String family, DropReason reason) {
    dropped.labelValues(family, reason.name().toLowerCase(Locale.ROOT)).inc();
  }

  void election() {
    elections.inc();
  }

  void acquired() {
    ownershipChanges.labelValues("acquired").inc();
  }

  void released() {
    ownershipChanges.labelValues("released").inc();
  }

  void probe(String result) {
    probes.labelValues(result).inc();
  }

  void refused(String reason) {
    refused.labelValues(reason).inc();
  }

  void standingDown(boolean value) {
    standingDown.set(value ? 1 : 0);
  }

  void keys(dev.fairlead.lb.baremetal.speaker.membership.Keyring keyring) {
    keys.clear();
    for (var key : keyring.accepted()) {
      keys.labelValues(key.fingerprint(), "accept").set(1);
    }
    keys.labelValues(keyring.send().fingerprint(), "send").set(1);
  }

  void keyError() {
    keyErrors.inc();
  }

  void conflict(InetAddress vip) {
    conflicts.labelValues(family(vip)).inc();
  }
}
