package dev.fairlead.lb.baremetal.speaker.membership;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One shared membership key. The secret text from the Kubernetes Secret is hashed into a 256-bit
 * master key; a short public id (not derived from the master key alone, so it reveals nothing about
 * it) names the key on the wire, so a receiver knows which of its keys to try; per-sender session
 * keys are derived from the master key with HMAC-SHA-256.
 *
 * @param name the Secret entry the key came from, for messages
 * @param id 4 bytes that name the key on the wire and in logs
 * @param master the 32-byte master key
 */
public record MembershipKey(String name, int id, byte[] master) {
  /** The shortest secret accepted: 32 bytes (for example 24 random bytes in base64). */
  public static final int MIN_SECRET_BYTES = 32;

  private static final byte[] ID_LABEL = "fairlead speaker key id".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SESSION_LABEL =
      "fairlead speaker session key".getBytes(StandardCharsets.US_ASCII);

  /** Copies the key bytes. */
  public MembershipKey {
    master = master.clone();
  }

  /**
   * Derives a key from secret text.
   *
   * @param name the Secret entry, for messages
   * @param secret the entry's bytes; surrounding white space is ignored
   * @return the key
   * @throws IllegalArgumentException if the secret is shorter than {@link #MIN_SECRET_BYTES}
   */
  public static MembershipKey fromSecret(String name, byte[] secret) {
    byte[] trimmed = new String(secret, StandardCharsets.ISO_8859_1).strip()
        .getBytes(StandardCharsets.ISO_8859_1);
    if (trimmed.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("entry '" + name + "' has " + trimmed.length
          + " bytes; a key needs at least " + MIN_SECRET_BYTES
          + " (generate one with: head -c 32 /dev/urandom | base64)");
    }
    byte[] master = sha256(trimmed);
    byte[] idBytes = sha256(concat(ID_LABEL, master));
    int id = ((idBytes[0] & 0xff) << 24) | ((idBytes[1] & 0xff) << 16) | ((idBytes[2] & 0xff) << 8)
        | (idBytes[3] & 0xff);
    return new MembershipKey(name, id, master);
  }

  /**
   * The key id as 8 hex digits: what logs and metrics show, so operators can check that every
   * speaker loaded the same keys without seeing them.
   *
   * @return for example {@code 3fa2c01b}
   */
  public String fingerprint() {
    return HexFormat.of().toHexDigits(id);
  }

  /**
   * The AES-256 key one sender uses for one session (one run of its membership channel).
   *
   * @param salt the sender's random session salt
   * @return 32 bytes
   */
  byte[] sessionKey(byte[] salt) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(master, "HmacSHA256"));
      hmac.update(SESSION_LABEL);
      return hmac.doFinal(salt);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MembershipKey k && k.id == id && Arrays.equals(k.master, master);
  }

  @Override
  public int hashCode() {
    return id;
  }

  @Override
  public String toString() {
    return name + " (" + fingerprint() + ")"; // never the key itself
  }
}
