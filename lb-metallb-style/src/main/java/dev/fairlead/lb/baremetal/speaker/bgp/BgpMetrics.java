package dev.fairlead.lb.baremetal.speaker.bgp;

import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Notification;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The BGP and BFD metrics, registered in the speaker's registry. */
final class BgpMetrics {
  private final Gauge sessionUp;
  private final Gauge prefixes;
  private final Counter updates;
  private final Counter notifications;
  private final Counter transitions;
  private final Counter treatAsWithdraw;
  private final Gauge bfdUp;

  BgpMetrics(PrometheusRegistry registry) {
    sessionUp = Gauge.builder().name("fairlead_bgp_session_up")
        .help("1 while the BGP session with the peer is Established").labelNames("peer")
        .register(registry);
    prefixes = Gauge.builder().name("fairlead_bgp_prefixes_advertised")
        .help("Prefixes the peer has from this node").labelNames("peer", "family")
        .register(registry);
    updates = Counter.builder().name("fairlead_bgp_updates_sent_total")
        .help("UPDATE messages sent (End-of-RIB markers included)").labelNames("peer")
        .register(registry);
    notifications = Counter.builder().name("fairlead_bgp_notifications_total")
        .help("NOTIFICATION messages, by direction and error code").labelNames("peer", "direction", "code")
        .register(registry);
    transitions = Counter.builder().name("fairlead_bgp_session_transitions_total")
        .help("Sessions reaching Established (up) or leaving it or failing to reach it (down)")
        .labelNames("peer", "to").register(registry);
    treatAsWithdraw = Counter.builder().name("fairlead_bgp_update_errors_total")
        .help("Received UPDATEs with a malformed attribute, treated as withdraw (RFC 7606)")
        .labelNames("peer").register(registry);
    bfdUp = Gauge.builder().name("fairlead_bfd_session_up")
        .help("1 while the BFD session with the peer is Up").labelNames("peer").register(registry);
  }

  void up(String peer, boolean up) {
    sessionUp.labelValues(peer).set(up ? 1 : 0);
    transitions.labelValues(peer, up ? "up" : "down").inc();
  }

  void prefixes(String peer, Family family, int count) {
    prefixes.labelValues(peer, family == Family.IPV4_UNICAST ? "ipv4" : "ipv6").set(count);
  }

  void update(String peer) {
    updates.labelValues(peer).inc();
  }

  void notification(String peer, boolean sent, Notification n) {
    notifications.labelValues(peer, sent ? "sent" : "received", n.codeName()).inc();
  }

  void treatAsWithdraw(String peer) {
    treatAsWithdraw.labelValues(peer).inc();
  }

  void bfd(String peer, boolean up) {
    bfdUp.labelValues(peer).set(up ? 1 : 0);
  }

  void forget(String peer) {
    sessionUp.remove(peer);
    bfdUp.remove(peer);
    prefixes.remove(peer, "ipv4");
    prefixes.remove(peer, "ipv6");
  }
}
