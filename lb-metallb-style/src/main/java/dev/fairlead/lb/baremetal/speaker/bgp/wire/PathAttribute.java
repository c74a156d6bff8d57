package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import dev.fairlead.lb.api.Cidr;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** A path attribute of an UPDATE (RFC 4271 §4.3 and extensions). */
public sealed interface PathAttribute {
  /** Flag: optional. */
  int OPTIONAL = 0x80;
  /** Flag: transitive. */
  int TRANSITIVE = 0x40;
  /** Flag: partial. */
  int PARTIAL = 0x20;
  /** Flag: the length field has two octets. */
  int EXTENDED_LENGTH = 0x10;

  /** Type code of ORIGIN. */
  int ORIGIN = 1;
  /** Type code of AS_PATH. */
  int AS_PATH = 2;
  /** Type code of NEXT_HOP. */
  int NEXT_HOP = 3;
  /** Type code of MULTI_EXIT_DISC. */
  int MULTI_EXIT_DISC = 4;
  /** Type code of LOCAL_PREF. */
  int LOCAL_PREF = 5;
  /** Type code of ATOMIC_AGGREGATE. */
  int ATOMIC_AGGREGATE = 6;
  /** Type code of AGGREGATOR. */
  int AGGREGATOR = 7;
  /** Type code of COMMUNITIES. */
  int COMMUNITIES = 8;
  /** Type code of MP_REACH_NLRI. */
  int MP_REACH_NLRI = 14;
  /** Type code of MP_UNREACH_NLRI. */
  int MP_UNREACH_NLRI = 15;
  /** Type code of AS4_PATH. */
  int AS4_PATH = 17;
  /** Type code of LARGE_COMMUNITY. */
  int LARGE_COMMUNITY = 32;

  /**
   * ORIGIN.
   *
   * @param value 0 IGP, 1 EGP, 2 INCOMPLETE
   */
  record Origin(int value) implements PathAttribute {
    /** IGP: the speaker originates its routes. */
    public static final Origin IGP = new Origin(0);
  }

  /**
   * AS_PATH, always held with full 4-octet numbers; the codec writes AS_TRANS and AS4_PATH for a
   * peer without 4-octet support.
   *
   * @param segments the segments
   */
  record AsPath(List<AsSegment> segments) implements PathAttribute {
    /** Copies the list. */
    public AsPath {
      segments = List.copyOf(segments);
    }

    /**
     * Whether an AS number appears anywhere in the path.
     *
     * @param asn the AS
     * @return true if it occurs
     */
    public boolean contains(long asn) {
      return segments.stream().anyMatch(s -> s.asns().contains(asn));
    }
  }

  /**
   * One AS_PATH segment.
   *
   * @param type 1 AS_SET, 2 AS_SEQUENCE (3 and 4 for confederations)
   * @param asns the AS numbers
   */
  record AsSegment(int type, List<Long> asns) {
    /** AS_SEQUENCE. */
    public static final int SEQUENCE = 2;

    /** Copies the list. */
    public AsSegment {
      asns = List.copyOf(asns);
    }
  }

  /**
   * NEXT_HOP for IPv4 NLRI.
   *
   * @param address an IPv4 address
   */
  record NextHop(InetAddress address) implements PathAttribute {}

  /**
   * MULTI_EXIT_DISC.
   *
   * @param value the metric
   */
  record MultiExitDisc(long value) implements PathAttribute {}

  /**
   * LOCAL_PREF (iBGP only).
   *
   * @param value the preference
   */
  record LocalPref(long value) implements PathAttribute {}

  /**
   * COMMUNITIES (RFC 1997): 32-bit values, written {@code high:low}.
   *
   * @param values the communities
   */
  record Communities(List<Long> values) implements PathAttribute {
    /** Copies the list. */
    public Communities {
      values = List.copyOf(values);
    }
  }

  /**
   * LARGE_COMMUNITY (RFC 8092).
   *
   * @param values the communities
   */
  record LargeCommunities(List<LargeCommunity> values) implements PathAttribute {
    /** Copies the list. */
    public LargeCommunities {
      values = List.copyOf(values);
    }
  }

  /**
   * One large community, {@code global:local1:local2}, three unsigned 32-bit numbers.
   *
   * @param global global administrator (an AS number)
   * @param local1 first local part
   * @param local2 second local part
   */
  record LargeCommunity(long global, long local1, long local2) implements Comparable<LargeCommunity> {
    @Override
    public int compareTo(LargeCommunity o) {
      int c = Long.compare(global, o.global);
      c = c != 0 ? c : Long.compare(local1, o.local1);
      return c != 0 ? c : Long.compare(local2, o.local2);
    }

    @Override
    public String toString() {
      return global + ":" + local1 + ":" + local2;
    }
  }

  /**
   * MP_REACH_NLRI (RFC 4760): reachable prefixes of a family with their next hop(s).
   *
   * @param afi AFI
   * @param safi SAFI
   * @param nextHops one address, or for IPv6 a global and a link-local one
   * @param nlri the prefixes
   */
  record MpReach(int afi, int safi, List<InetAddress> nextHops, List<Cidr> nlri)
      implements PathAttribute {
    /** Copies the lists. */
    public MpReach {
      nextHops = List.copyOf(nextHops);
      nlri = List.copyOf(nlri);
    }
  }

  /**
   * MP_UNREACH_NLRI (RFC 4760): withdrawn prefixes of a family; empty = End-of-RIB (RFC 4724).
   *
   * @param afi AFI
   * @param safi SAFI
   * @param withdrawn the prefixes
   */
  record MpUnreach(int afi, int safi, List<Cidr> withdrawn) implements PathAttribute {
    /** Copies the list. */
    public MpUnreach {
      withdrawn = List.copyOf(withdrawn);
    }
  }

  /**
   * AS4_PATH (RFC 6793), only between a 4-octet speaker and a 2-octet peer.
   *
   * @param segments the segments with full AS numbers
   */
  record As4Path(List<AsSegment> segments) implements PathAttribute {
    /** Copies the list. */
    public As4Path {
      segments = List.copyOf(segments);
    }
  }

  /**
   * Any other attribute, kept as received.
   *
   * @param flags the flag octet as received
   * @param type the type code
   * @param value the value
   */
  record Other(int flags, int type, byte[] value) implements PathAttribute {
    /** Copies the value. */
    public Other {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Other a && a.flags == flags && a.type == type
          && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * flags + type) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Other[flags=" + flags + ", type=" + type + ", value=" + HexFormat.of().formatHex(value)
          + "]";
    }
  }
}
