package dev.fairlead.lb.baremetal.speaker.packet;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 48-bit Ethernet address. Immutable; {@link #bytes()} returns a copy.
 *
 * @param value the six octets (copied)
 */
public record Mac(byte[] value) {
  /** ff:ff:ff:ff:ff:ff. */
  public static final Mac BROADCAST = new Mac(new byte[] {-1, -1, -1, -1, -1, -1});

  /** 00:00:00:00:00:00, the "unknown" hardware address of ARP probes. */
  public static final Mac ZERO = new Mac(new byte[6]);

  /** Validates and copies. */
  public Mac {
    if (value == null || value.length != 6) {
      throw new IllegalArgumentException("a MAC address has 6 octets");
    }
    value = value.clone();
  }

  /**
   * Parses {@code 02:00:5e:10:00:01}.
   *
   * @param text colon-separated hex
   * @return the address
   */
  public static Mac parse(String text) {
    String[] parts = text.split(":");
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a MAC address: " + text);
    }
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return new Mac(b);
  }

  /**
   * Reads six octets at {@code offset}.
   *
   * @param frame the buffer
   * @param offset where the address starts
   * @return the address
   */
  public static Mac read(byte[] frame, int offset) {
    return new Mac(Arrays.copyOfRange(frame, offset, offset + 6));
  }

  /**
   * The Ethernet multicast address an IPv6 multicast group maps to (RFC 2464 §7): 33:33 and the
   * group's last four octets.
   *
   * @param group16 the 16-byte IPv6 multicast address
   * @return the multicast MAC
   */
  public static Mac ipv6Multicast(byte[] group16) {
    return new Mac(new byte[] {0x33, 0x33, group16[12], group16[13], group16[14], group16[15]});
  }

  /**
   * A copy of the octets.
   *
   * @return six bytes
   */
  public byte[] bytes() {
    return value.clone();
  }

  /**
   * Writes the octets into {@code frame}.
   *
   * @param frame the buffer
   * @param offset where to write
   */
  public void write(byte[] frame, int offset) {
    System.arraycopy(value, 0, frame, offset, 6);
  }

  /**
   * Whether this is the broadcast address.
   *
   * @return true for ff:ff:ff:ff:ff:ff
   */
  public boolean isBroadcast() {
    return equals(BROADCAST);
  }

  /**
   * Whether the group bit is set (broadcast or multicast).
   *
   * @return true for group addresses
   */
  public boolean isGroup() {
    return (value[0] & 1) != 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Mac mac && Arrays.equals(value, mac.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(value);
  }
}
