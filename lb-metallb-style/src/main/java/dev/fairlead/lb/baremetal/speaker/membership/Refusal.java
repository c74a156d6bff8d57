package dev.fairlead.lb.baremetal.speaker.membership;

import java.util.Locale;

/**
 * Membership traffic that was dropped because it could not be authenticated.
 *
 * @param peer who sent it, as the sender claims (its node name when it is a speaker, else its
 *     address): unauthenticated by definition, so for logs and the stand-down rule only
 * @param reason why it was dropped
 */
public record Refusal(String peer, Reason reason) {

  /** Why traffic was refused. */
  public enum Reason {
    /** Not sealed at all: a speaker without a key (or any other JGroups process). */
    NOT_SEALED("not sealed: the sender has no membership key"),
    /** Sealed with a key this speaker does not hold: a wrong key, or a rotation step skipped. */
    UNKNOWN_KEY("sealed with a key this speaker does not accept"),
    /** The seal does not verify: tampered with, or forged without the key. */
    FORGED("the seal does not verify (tampered or forged)"),
    /** A counter already seen in this sender's session: a recorded message played again. */
    REPLAYED("replayed (counter already seen)"),
    /** A connection declared another host's address (an attempt to take a speaker's place). */
    SPOOFED_ADDRESS("the connection claims another host's address"),
    /** This speaker runs without a key and the peer seals its traffic. */
    SEALED_BUT_NO_KEY("sealed, but this speaker has no membership key");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /**
     * The metric label value.
     *
     * @return lower case, for example {@code unknown_key}
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What it means, for logs.
     *
     * @return a short sentence
     */
    public String text() {
      return text;
    }
  }
}
