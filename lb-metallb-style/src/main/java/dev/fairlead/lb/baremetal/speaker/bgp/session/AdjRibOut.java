package dev.fairlead.lb.baremetal.speaker.bgp.session;

import dev.fairlead.lb.api.Cidr;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.PathAttribute;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Update;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.util.TreeMap;

/**
 * The routes the peer has from this speaker (RFC 4271's Adj-RIB-Out) and the UPDATEs that bring it
 * to a desired state: withdrawals first, then announcements grouped by identical attributes, each
 * UPDATE packed up to {@link Codec#MAX_LENGTH} (MetalLB's native speaker sends one UPDATE per prefix
 * and a single unsplit withdrawal).
 */
public final class AdjRibOut {
  /** Room for the extended-length octet an attribute may need once it grows past 255 octets. */
  private static final int SLACK = 2;

  private static final Comparator<Cidr> ORDER = Comparator
      .comparing((Cidr c) -> c.address().getAddress().length)
      .thenComparing(c -> c.address().getAddress(), java.util.Arrays::compareUnsigned)
      .thenComparingInt(Cidr::prefixLength);

  private final Map<Cidr, RouteAttributes> advertised = new HashMap<>();

  /**
   * What the peer has now.
   *
   * @return prefix to attributes
   */
  public Map<Cidr, RouteAttributes> advertised() {
    return Map.copyOf(advertised);
  }

  /**
   * How many prefixes of a family the peer has.
   *
   * @param family the family
   * @return the count
   */
  public int count(Family family) {
    return (int) advertised.keySet().stream().filter(p -> Family.of(p.address()) == family).count();
  }

  /** Forgets everything, as when a session goes down. */
  public void clear() {
    advertised.clear();
  }

  /**
   * Computes the UPDATEs from what the peer has to {@code desired} and records the result as sent.
   *
   * @param desired prefix to attributes; prefixes of families not in {@code session} are ignored
   * @param session the session's negotiated parameters
   * @param config the session's configuration (AS numbers)
   * @return the UPDATEs to send, in order
   */
  public List<Update> update(Map<Cidr, RouteAttributes> desired, Negotiated session,
      SessionConfig config) {
    Map<Cidr, RouteAttributes> target = new TreeMap<>(ORDER);
    desired.forEach((prefix, attributes) -> {
      if (session.families().contains(Family.of(prefix.address()))) {
        target.put(prefix, attributes);
      }
    });
    List<Update> updates = new ArrayList<>();
    for (Family family : Family.values()) {
      List<Cidr> withdraw = advertised.keySet().stream()
          .filter(p -> Family.of(p.address()) == family && !target.containsKey(p))
          .sorted(ORDER).toList();
      updates.addAll(withdrawals(family, withdraw));
      withdraw.forEach(advertised::remove);
    }
    Map<RouteAttributes, Map<Family, List<Cidr>>> groups = new LinkedHashMap<>();
    target.forEach((prefix, attributes) -> {
      if (!attributes.equals(advertised.get(prefix))) {
        groups.computeIfAbsent(attributes, a -> new LinkedHashMap<>())
            .computeIfAbsent(Family.of(prefix.address()), f -> new ArrayList<>()).add(prefix);
      }
    });
    groups.forEach((attributes, byFamily) -> byFamily.forEach((family, prefixes) -> {
      updates.addAll(announcements(family, prefixes, attributes, session, config));
      prefixes.forEach(p -> advertised.put(p, attributes));
    }));
    return updates;
  }

  /**
   * Every route of one family again, for a ROUTE-REFRESH; the Adj-RIB-Out does not change.
   *
   * @param family the family asked for
   * @param session the session
   * @param config the configuration
   * @return the UPDATEs
   */
  public List<Update> refresh(Family family, Negotiated session, SessionConfig config) {
    Map<RouteAttributes, List<Cidr>> groups = new LinkedHashMap<>();
    advertised.entrySet().stream()
        .filter(e -> Family.of(e.getKey().address()) == family)
        .sorted(Map.Entry.comparingByKey(ORDER))
        .forEach(e -> groups.computeIfAbsent(e.getValue(), a -> new ArrayList<>()).add(e.getKey()));
    List<Update> updates = new ArrayList<>();
    groups.forEach((a, prefixes) -> updates.addAll(announcements(family, prefixes, a, session, config)));
    return updates;
  }

  private static List<Update> withdrawals(Family family, List<Cidr> prefixes) {
    List<Update> updates = new ArrayList<>();
    int base = Codec.HEADER_LENGTH + 4 + (family == Family.IPV4_UNICAST ? 0 : 3 + 3 + SLACK);
    for (List<Cidr> chunk : chunks(prefixes, base)) {
      updates.add(family == Family.IPV4_UNICAST
          ? new Update(chunk, List.of(), List.of())
          : new Update(List.of(), List.of(new PathAttribute.MpUnreach(family.afi(), family.safi(),
              chunk)), List.of()));
    }
    return updates;
  }

  private static List<Update> announcements(Family family, List<Cidr> prefixes,
      RouteAttributes attributes, Negotiated session, SessionConfig config) {
    List<PathAttribute> common = new ArrayList<>();
    common.add(PathAttribute.Origin.IGP);
    common.add(new PathAttribute.AsPath(config.external()
        ? List.of(new PathAttribute.AsSegment(PathAttribute.AsSegment.SEQUENCE, List.of(config.localAs())))
        : List.of()));
    InetAddress nextHop = session.nextHops().get(family);
    if (family == Family.IPV4_UNICAST) {
      common.add(new PathAttribute.NextHop(nextHop));
    }
    if (!config.external()) {
      common.add(new PathAttribute.LocalPref(attributes.localPref().orElse(100)));
    }
    if (!attributes.communities().isEmpty()) {
      common.add(new PathAttribute.Communities(attributes.communities()));
    }
    if (!attributes.largeCommunities().isEmpty()) {
      common.add(new PathAttribute.LargeCommunities(attributes.largeCommunities()));
    }
    Codec codec = session.codec();
    List<Update> updates = new ArrayList<>();
    if (family == Family.IPV4_UNICAST) {
      int base = codec.updateLength(new Update(List.of(), common, List.of()));
      for (List<Cidr> chunk : chunks(prefixes, base)) {
        updates.add(new Update(List.of(), common, chunk));
      }
    } else {
      List<PathAttribute> empty = new ArrayList<>(common);
      empty.add(new PathAttribute.MpReach(family.afi(), family.safi(), List.of(nextHop), List.of()));
      int base = codec.updateLength(new Update(List.of(), empty, List.of())) + SLACK;
      for (List<Cidr> chunk : chunks(prefixes, base)) {
        List<PathAttribute> attrs = new ArrayList<>(common);
        attrs.add(new PathAttribute.MpReach(family.afi(), family.safi(), List.of(nextHop), chunk));
        updates.add(new Update(List.of(), attrs, List.of()));
      }
    }
    return updates;
  }

  private static List<List<Cidr>> chunks(List<Cidr> prefixes, int base) {
    List<List<Cidr>> chunks = new ArrayList<>();
    List<Cidr> current = new ArrayList<>();
    int size = base;
    for (Cidr p : prefixes) {
      int add = Codec.prefixLength(p);
      if (size + add > Codec.MAX_LENGTH && !current.isEmpty()) {
        chunks.add(current);
        current = new ArrayList<>();
        size = base;
      }
      current.add(p);
      size += add;
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  /**
   * The prefixes the peer has, for tests and status.
   *
   * @return sorted prefixes
   */
  public List<Cidr> prefixes() {
    return advertised.keySet().stream().sorted(ORDER).toList();
  }

}
