package dev.fairlead.lb.cloud;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Short, stable digests of canonical text: what a provider stores in a checkpoint to tell "the
 * resources already match this desired state" without reading them, and what it mixes into names
 * that must change when a setting changes.
 */
public final class Fingerprint {
  private Fingerprint() {}

  /**
   * The lower-case hex SHA-256 of the parts, each followed by a newline (so {@code ("ab","c")} and
   * {@code ("a","bc")} differ).
   *
   * @param parts the parts, in a canonical order chosen by the caller
   * @return 64 hex characters
   */
  public static String sha256(String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * The first {@code length} hex characters of {@link #sha256}.
   *
   * @param length 1 to 64
   * @param parts the parts
   * @return the prefix
   */
  public static String prefix(int length, String... parts) {
    if (length < 1 || length > 64) {
      throw new IllegalArgumentException("length must be 1..64, got " + length);
    }
    return sha256(parts).substring(0, length);
  }
}
