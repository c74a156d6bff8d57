package dev.fairlead.lb.cloud;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A few key/value facts a provider writes into one of its own resources (a description, a tag)
 * after a successful ensure, such as the fingerprint of the desired state it converged to. After a
 * restart one filtered list of those resources tells which Services need no work at all: that is how
 * "restart with 50 unchanged Services" costs a handful of calls instead of a read per Service.
 *
 * <p>Encoded as {@code fairlead/v1 k=v&k=v} with keys sorted and URL-encoded values, so it survives
 * any text field and compares byte for byte. {@link #decode} is lenient: text that is not a
 * checkpoint (a resource someone else created, an older format) gives empty, never an error, and
 * the provider then reads the real state.
 *
 * @param fields the facts; copied and sorted
 */
public record Checkpoint(SortedMap<String, String> fields) {
  private static final String PREFIX = "fairlead/v1 ";

  /** Copies and sorts the fields, and checks the keys. */
  public Checkpoint {
    TreeMap<String, String> copy = new TreeMap<>();
    fields.forEach(
        (k, v) -> {
          if (k.isEmpty() || !k.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("checkpoint key '" + k + "' must match [A-Za-z0-9._-]+");
          }
          copy.put(k, java.util.Objects.requireNonNull(v, "value of " + k));
        });
    fields = Collections.unmodifiableSortedMap(copy);
  }

  /**
   * A checkpoint of the given facts.
   *
   * @param fields the facts
   * @return the checkpoint
   */
  public static Checkpoint of(Map<String, String> fields) {
    return new Checkpoint(new TreeMap<>(fields));
  }

  /**
   * One fact.
   *
   * @param key the key
   * @return the value, if present
   */
  public Optional<String> get(String key) {
    return Optional.ofNullable(fields.get(key));
  }

  /**
   * The text form.
   *
   * @return {@code fairlead/v1 k=v&k=v}
   */
  public String encode() {
    StringBuilder b = new StringBuilder(PREFIX);
    boolean first = true;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (!first) {
        b.append('&');
      }
      first = false;
      b.append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  /**
   * Reads a checkpoint from text that may hold one, possibly after other text on earlier lines
   * (a description that also carries the upstream JSON, say): the last line starting with the prefix
   * counts.
   *
   * @param text the text, may be null
   * @return the checkpoint, or empty if the text holds none or a malformed one
   */
  public static Optional<Checkpoint> decode(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String line = null;
    for (String candidate : text.split("\n")) {
      if (candidate.startsWith(PREFIX)) {
        line = candidate;
      }
    }
    if (line == null) {
      return Optional.empty();
    }
    TreeMap<String, String> fields = new TreeMap<>();
    String body = line.substring(PREFIX.length()).strip();
    try {
      if (!body.isEmpty()) {
        for (String pair : body.split("&")) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            return Optional.empty();
          }
          fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return Optional.of(new Checkpoint(fields));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
