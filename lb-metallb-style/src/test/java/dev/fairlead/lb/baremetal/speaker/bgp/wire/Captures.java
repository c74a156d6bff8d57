package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The FRR captures in src/test/resources/bgp: "name hex" lines, '#' comments. */
final class Captures {
  private Captures() {}

  static List<String[]> lines(String resource) {
    try (InputStream in = Captures.class.getResourceAsStream("/bgp/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource bgp/" + resource);
      }
      List<String[]> lines = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          lines.add(line.strip().split("\\s+"));
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** FRR's messages by name. */
  static Map<String, byte[]> messages() {
    Map<String, byte[]> messages = new LinkedHashMap<>();
    for (String[] line : lines("frr-8.4.4-messages.txt")) {
      messages.put(line[0], HexFormat.of().parseHex(line[1]));
    }
    return messages;
  }

  static byte[] message(String name) {
    byte[] m = messages().get(name);
    if (m == null) {
      throw new IllegalArgumentException("no capture named " + name);
    }
    return m;
  }
}
