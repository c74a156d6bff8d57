package dev.fairlead.lb.baremetal.speaker.bfd;

/**
 * A BFD Control packet without authentication (RFC 5880 §4.1): 24 octets.
 *
 * @param diagnostic why the sender's session last went down (0-31)
 * @param state the sender's session state
 * @param poll P bit: asks for a packet with F set (parameter change)
 * @param fin F bit: answers a poll
 * @param controlPlaneIndependent C bit
 * @param demand D bit (never set by this implementation)
 * @param detectMultiplier the sender's detect multiplier (1-255)
 * @param myDiscriminator the sender's discriminator (non-zero)
 * @param yourDiscriminator the receiver's discriminator, 0 while unknown
 * @param desiredMinTx microseconds the sender would like to transmit at, at least
 * @param requiredMinRx microseconds between packets the sender can receive, at least (0 = none)
 * @param requiredMinEchoRx microseconds for echo packets (0 = no echo)
 */
public record BfdPacket(int diagnostic, State state, boolean poll, boolean fin,
    boolean controlPlaneIndependent, boolean demand, int detectMultiplier, long myDiscriminator,
    long yourDiscriminator, long desiredMinTx, long requiredMinRx, long requiredMinEchoRx) {

  /** The length of a packet without authentication. */
  public static final int LENGTH = 24;

  /** Session states as on the wire. */
  public enum State {
    /** AdminDown (0). */
    ADMIN_DOWN,
    /** Down (1). */
    DOWN,
    /** Init (2). */
    INIT,
    /** Up (3). */
    UP
  }

  /**
   * Parses and applies the checks of RFC 5880 §6.8.6 that need no session.
   *
   * @param data received datagram
   * @param length its length
   * @return the packet
   * @throws IllegalArgumentException naming the rule the packet breaks (it is then discarded)
   */
  public static BfdPacket decode(byte[] data, int length) {
    if (length < LENGTH) {
      throw new IllegalArgumentException("shorter than 24 octets: " + length);
    }
    int version = (data[0] & 0xff) >>> 5;
    if (version != 1) {
      throw new IllegalArgumentException("version " + version);
    }
    int declared = data[3] & 0xff;
    boolean auth = (data[1] & 0x04) != 0;
    if (declared < LENGTH || declared > length) {
      throw new IllegalArgumentException("length field " + declared + " for " + length + " octets");
    }
    if (auth) {
      throw new IllegalArgumentException("authentication present but not configured");
    }
    int multiplier = data[2] & 0xff;
    if (multiplier == 0) {
      throw new IllegalArgumentException("detect multiplier 0");
    }
    if ((data[1] & 0x01) != 0) {
      throw new IllegalArgumentException("multipoint bit set");
    }
    long my = u32(data, 4);
    if (my == 0) {
      throw new IllegalArgumentException("my discriminator 0");
    }
    State state = State.values()[(data[1] & 0xff) >>> 6];
    long your = u32(data, 8);
    if (your == 0 && state != State.DOWN && state != State.ADMIN_DOWN) {
      throw new IllegalArgumentException("your discriminator 0 in state " + state);
    }
    return new BfdPacket(data[0] & 0x1f, state, (data[1] & 0x20) != 0, (data[1] & 0x10) != 0,
        (data[1] & 0x08) != 0, (data[1] & 0x02) != 0, multiplier, my, your, u32(data, 12),
        u32(data, 16), u32(data, 20));
  }

  /**
   * The packet's octets.
   *
   * @return 24 octets
   */
  public byte[] encode() {
    byte[] b = new byte[LENGTH];
    b[0] = (byte) ((1 << 5) | (diagnostic & 0x1f));
    b[1] = (byte) ((state.ordinal() << 6) | (poll ? 0x20 : 0) | (fin ? 0x10 : 0)
        | (controlPlaneIndependent ? 0x08 : 0) | (demand ? 0x02 : 0));
    b[2] = (byte) detectMultiplier;
    b[3] = LENGTH;
    put(b, 4, myDiscriminator);
    put(b, 8, yourDiscriminator);
    put(b, 12, desiredMinTx);
    put(b, 16, requiredMinRx);
    put(b, 20, requiredMinEchoRx);
    return b;
  }

  private static long u32(byte[] b, int o) {
    return ((b[o] & 0xffL) << 24) | ((b[o + 1] & 0xffL) << 16) | ((b[o + 2] & 0xffL) << 8)
        | (b[o + 3] & 0xffL);
  }

  private static void put(byte[] b, int o, long v) {
    b[o] = (byte) (v >>> 24);
    b[o + 1] = (byte) (v >>> 16);
    b[o + 2] = (byte) (v >>> 8);
    b[o + 3] = (byte) v;
  }
}
