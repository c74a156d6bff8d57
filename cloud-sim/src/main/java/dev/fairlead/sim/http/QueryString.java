package dev.fairlead.sim.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The query string of a simulator request, decoded. */
public final class QueryString {
  private QueryString() {}

  /**
   * Decodes a raw query string; a key given twice keeps its first value, a key without {@code =}
   * has the empty value.
   *
   * @param raw the raw query ({@code URI.getRawQuery()}), may be null
   * @return the parameters in request order
   */
  public static Map<String, String> parse(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }
}
