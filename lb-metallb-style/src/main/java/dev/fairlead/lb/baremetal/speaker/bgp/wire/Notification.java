package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * A NOTIFICATION message (RFC 4271 §4.5): error code, subcode and data. Sent before a session is
 * closed; never answered.
 *
 * @param code error code
 * @param subcode error subcode (0 = unspecific)
 * @param data diagnostic data, as the RFC for the code says
 */
public record Notification(int code, int subcode, byte[] data) implements BgpMessage {
  /** Message Header Error. */
  public static final int HEADER = 1;
  /** OPEN Message Error. */
  public static final int OPEN = 2;
  /** UPDATE Message Error. */
  public static final int UPDATE = 3;
  /** Hold Timer Expired. */
  public static final int HOLD_TIMER_EXPIRED = 4;
  /** Finite State Machine Error (subcodes of RFC 6608). */
  public static final int FSM = 5;
  /** Cease (subcodes of RFC 4486, RFC 8538, RFC 9384). */
  public static final int CEASE = 6;

  /** Cease subcode: Administrative Shutdown. */
  public static final int ADMINISTRATIVE_SHUTDOWN = 2;
  /** Cease subcode: Peer De-configured. */
  public static final int PEER_DECONFIGURED = 3;
  /** Cease subcode: Administrative Reset. */
  public static final int ADMINISTRATIVE_RESET = 4;
  /** Cease subcode: Other Configuration Change. */
  public static final int OTHER_CONFIGURATION_CHANGE = 6;
  /** Cease subcode: Hard Reset (RFC 8538): the peer must flush routes even during graceful restart. */
  public static final int HARD_RESET = 9;
  /** Cease subcode: BFD Down (RFC 9384). */
  public static final int BFD_DOWN = 10;

  private static final Map<Integer, String> CODES = Map.of(
      1, "Message Header Error", 2, "OPEN Message Error", 3, "UPDATE Message Error",
      4, "Hold Timer Expired", 5, "Finite State Machine Error", 6, "Cease",
      7, "ROUTE-REFRESH Message Error");
  private static final Map<Integer, Map<Integer, String>> SUBCODES = Map.of(
      1, Map.of(1, "Connection Not Synchronized", 2, "Bad Message Length", 3, "Bad Message Type"),
      2, Map.of(1, "Unsupported Version Number", 2, "Bad Peer AS", 3, "Bad BGP Identifier",
          4, "Unsupported Optional Parameter", 6, "Unacceptable Hold Time",
          7, "Unsupported Capability"),
      3, Map.ofEntries(Map.entry(1, "Malformed Attribute List"),
          Map.entry(2, "Unrecognized Well-known Attribute"),
          Map.entry(3, "Missing Well-known Attribute"), Map.entry(4, "Attribute Flags Error"),
          Map.entry(5, "Attribute Length Error"), Map.entry(6, "Invalid ORIGIN Attribute"),
          Map.entry(8, "Invalid NEXT_HOP Attribute"), Map.entry(9, "Optional Attribute Error"),
          Map.entry(10, "Invalid Network Field"), Map.entry(11, "Malformed AS_PATH")),
      5, Map.of(1, "Unexpected Message in OpenSent", 2, "Unexpected Message in OpenConfirm",
          3, "Unexpected Message in Established"),
      6, Map.of(1, "Maximum Number of Prefixes Reached", 2, "Administrative Shutdown",
          3, "Peer De-configured", 4, "Administrative Reset", 5, "Connection Rejected",
          6, "Other Configuration Change", 7, "Connection Collision Resolution",
          8, "Out of Resources", 9, "Hard Reset", 10, "BFD Down"),
      7, Map.of(1, "Invalid Message Length"));

  /** Validates the ranges and copies the data. */
  public Notification {
    if (code < 0 || code > 255 || subcode < 0 || subcode > 255) {
      throw new IllegalArgumentException("code and subcode are single octets");
    }
    data = data.clone();
  }

  /**
   * A notification without data.
   *
   * @param code error code
   * @param subcode error subcode
   * @return the notification
   */
  public static Notification of(int code, int subcode) {
    return new Notification(code, subcode, new byte[0]);
  }

  /**
   * A Cease with a shutdown communication (RFC 9003: a length octet and at most 255 octets of UTF-8)
   * for the subcodes that carry one, Administrative Shutdown and Administrative Reset.
   *
   * @param subcode Cease subcode
   * @param message text for the peer's operator; truncated to 255 octets on a character boundary
   * @return the notification
   */
  public static Notification cease(int subcode, String message) {
    if (subcode != ADMINISTRATIVE_SHUTDOWN && subcode != ADMINISTRATIVE_RESET) {
      return of(CEASE, subcode);
    }
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, 255);
    while (length > 0 && length < text.length && (text[length] & 0xC0) == 0x80) {
      length--; // do not cut a multi-byte character
    }
    byte[] data = new byte[1 + length];
    data[0] = (byte) length;
    System.arraycopy(text, 0, data, 1, length);
    return new Notification(CEASE, subcode, data);
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /**
   * The shutdown communication of an Administrative Shutdown or Reset, if it carries valid UTF-8.
   *
   * @return the operator's message, or empty
   */
  public java.util.Optional<String> shutdownCommunication() {
    if (code != CEASE || (subcode != ADMINISTRATIVE_SHUTDOWN && subcode != ADMINISTRATIVE_RESET)
        || data.length == 0 || (data[0] & 0xff) == 0 || (data[0] & 0xff) > data.length - 1) {
      return java.util.Optional.empty();
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer text = utf8.decode(ByteBuffer.wrap(data, 1, data[0] & 0xff));
      return java.util.Optional.of(text.toString());
    } catch (CharacterCodingException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * Readable form for logs, events and metrics, such as {@code Cease/Administrative Shutdown
   * "maintenance"} or {@code Message Header Error/Bad Message Length (data 0012)}.
   *
   * @return the description
   */
  public String describe() {
    String name = CODES.getOrDefault(code, "error code " + code);
    String sub = SUBCODES.getOrDefault(code, Map.of()).get(subcode);
    StringBuilder text = new StringBuilder(name);
    if (sub != null) {
      text.append('/').append(sub);
    } else if (subcode != 0) {
      text.append("/subcode ").append(subcode);
    }
    java.util.Optional<String> communication = shutdownCommunication();
    if (communication.isPresent()) {
      text.append(" \"").append(communication.get().replaceAll("\\p{Cntrl}", " ")).append('"');
    } else if (data.length > 0) {
      text.append(" (data ").append(HexFormat.of().formatHex(data, 0, Math.min(data.length, 32)))
          .append(data.length > 32 ? "…" : "").append(')');
    }
    return text.toString();
  }

  /**
   * The code's name, for a metric label.
   *
   * @return e.g. {@code cease}, {@code hold_timer_expired}
   */
  public String codeName() {
    return CODES.getOrDefault(code, "code_" + code).toLowerCase(java.util.Locale.ROOT)
        .replace(" message error", "").replace("-", "_").replace(' ', '_');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Notification n && n.code == code && n.subcode == subcode
        && Arrays.equals(n.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * code + subcode) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NOTIFICATION " + code + "/" + subcode + " " + describe();
  }
}
