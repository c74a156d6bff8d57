package dev.fairlead.lb.baremetal.speaker.packet;

import java.util.HexFormat;

/** Golden frames as hex, spaces and line breaks ignored. */
final class Frames {
  private Frames() {}

  static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
  }

  static String hex(byte[] frame) {
    return HexFormat.of().formatHex(frame);
  }

  /** Zero padding to the 60-byte Ethernet minimum. */
  static String pad(int bytes) {
    return "00".repeat(bytes);
  }
}
