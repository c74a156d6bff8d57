package dev.fairlead.lb.baremetal.speaker.bgp.model;

import java.net.InetAddress;

/** Field parsing with messages that name the field. */
final class Parsing {
  private Parsing() {}

  static InetAddress address(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    try {
      return InetAddress.ofLiteral(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is not an IP address");
    }
  }
}
