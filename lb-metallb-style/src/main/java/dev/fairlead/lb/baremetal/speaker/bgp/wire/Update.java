package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import dev.fairlead.lb.api.Cidr;
import java.util.List;
import java.util.Optional;

/**
 * An UPDATE message (RFC 4271 §4.3).
 *
 * @param withdrawn withdrawn IPv4 prefixes
 * @param attributes path attributes, MP_REACH_NLRI/MP_UNREACH_NLRI included
 * @param nlri reachable IPv4 prefixes
 * @param treatAsWithdraw when an attribute was malformed in a way RFC 7606 handles without a
 *     session reset: why; the message's routes count as withdrawn
 */
public record Update(List<Cidr> withdrawn, List<PathAttribute> attributes, List<Cidr> nlri,
    Optional<String> treatAsWithdraw) implements BgpMessage {

  /** Copies the lists. */
  public Update {
    withdrawn = List.copyOf(withdrawn);
    attributes = List.copyOf(attributes);
    nlri = List.copyOf(nlri);
  }

  /**
   * A well-formed UPDATE.
   *
   * @param withdrawn withdrawn IPv4 prefixes
   * @param attributes path attributes
   * @param nlri reachable IPv4 prefixes
   */
  public Update(List<Cidr> withdrawn, List<PathAttribute> attributes, List<Cidr> nlri) {
    this(withdrawn, attributes, nlri, Optional.empty());
  }

  /**
   * The End-of-RIB marker of a family (RFC 4724 §2): an empty UPDATE for IPv4 unicast, an empty
   * MP_UNREACH_NLRI for the others.
   *
   * @param family the family
   * @return the marker
   */
  public static Update endOfRib(Family family) {
    if (family == Family.IPV4_UNICAST) {
      return new Update(List.of(), List.of(), List.of());
    }
    return new Update(List.of(),
        List.of(new PathAttribute.MpUnreach(family.afi(), family.safi(), List.of())), List.of());
  }

  /**
   * The first attribute of a type.
   *
   * @param type the record type
   * @param <T> the type
   * @return the attribute, if present
   */
  public <T extends PathAttribute> Optional<T> attribute(Class<T> type) {
    return attributes.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /**
   * Whether this is an End-of-RIB marker.
   *
   * @return true for an empty UPDATE or one with only an empty MP_UNREACH_NLRI
   */
  public boolean endOfRib() {
    if (!withdrawn.isEmpty() || !nlri.isEmpty()) {
      return false;
    }
    return attributes.isEmpty() || (attributes.size() == 1
        && attributes.getFirst() instanceof PathAttribute.MpUnreach u && u.withdrawn().isEmpty());
  }
}
