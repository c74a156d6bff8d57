package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** A capability advertised in an OPEN message (RFC 5492). Unknown ones are kept and ignored. */
public sealed interface Capability {
  /** Code of the multiprotocol capability (RFC 4760). */
  int MULTIPROTOCOL = 1;
  /** Code of route refresh (RFC 2918). */
  int ROUTE_REFRESH = 2;
  /** Code of graceful restart (RFC 4724). */
  int GRACEFUL_RESTART = 64;
  /** Code of 4-octet AS numbers (RFC 6793). */
  int FOUR_OCTET_AS = 65;

  /**
   * Support for one AFI/SAFI.
   *
   * @param afi AFI
   * @param safi SAFI
   */
  record Multiprotocol(int afi, int safi) implements Capability {
    /**
     * For a known family.
     *
     * @param family the family
     * @return the capability
     */
    public static Multiprotocol of(Family family) {
      return new Multiprotocol(family.afi(), family.safi());
    }
  }

  /** The peer understands ROUTE-REFRESH. */
  record RouteRefresh() implements Capability {}

  /**
   * The speaker's real AS number, which may not fit the OPEN's 2-octet field.
   *
   * @param asn 0 to 2^32-1
   */
  record FourOctetAs(long asn) implements Capability {
    /** Validates the range. */
    public FourOctetAs {
      if (asn < 0 || asn > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("AS number out of range: " + asn);
      }
    }
  }

  /**
   * Graceful restart (RFC 4724) with the notification bit of RFC 8538.
   *
   * @param restarting R bit: the sender has just restarted
   * @param notification N bit: a NOTIFICATION other than Hard Reset keeps the routes too
   * @param restartTime seconds the receiver keeps stale routes (12 bits)
   * @param families per family, whether forwarding state was preserved
   */
  record GracefulRestart(boolean restarting, boolean notification, int restartTime,
      List<GracefulFamily> families) implements Capability {
    /** Validates the restart time and copies the list. */
    public GracefulRestart {
      if (restartTime < 0 || restartTime > 4095) {
        throw new IllegalArgumentException("restart time must fit 12 bits: " + restartTime);
      }
      families = List.copyOf(families);
    }
  }

  /**
   * One family of the graceful-restart capability.
   *
   * @param afi AFI
   * @param safi SAFI
   * @param forwardingPreserved F bit
   */
  record GracefulFamily(int afi, int safi, boolean forwardingPreserved) {}

  /**
   * A capability the speaker does not use.
   *
   * @param code capability code
   * @param value its value
   */
  record Unknown(int code, byte[] value) implements Capability {
    /** Copies the value. */
    public Unknown {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Unknown u && u.code == code && Arrays.equals(u.value, value);
    }

    @Override
    public int hashCode() {
      return 31 * code + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Unknown[code=" + code + ", value=" + HexFormat.of().formatHex(value) + "]";
    }
  }
}
