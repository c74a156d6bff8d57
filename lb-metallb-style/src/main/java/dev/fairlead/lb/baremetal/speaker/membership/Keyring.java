package dev.fairlead.lb.baremetal.speaker.membership;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The membership keys a speaker holds: one it sends with, and every key it accepts (the send key
 * included). Accepting more than one key is what makes rotation possible without a partition: first
 * every speaker learns to accept the new key, then they switch to sending with it, then the old one
 * is dropped.
 *
 * <p>The Secret's layout: the entry named {@value #SEND_ENTRY} is the send key; every entry is
 * accepted. Typical rotation: add {@code next: NEW}; once every speaker shows the new fingerprint,
 * set {@code key: NEW, previous: OLD} and remove {@code next}; later remove {@code previous}.
 *
 * @param send the key outgoing traffic is sealed with
 * @param accepted every key incoming traffic may be sealed with, send key first
 */
public record Keyring(MembershipKey send, List<MembershipKey> accepted) {
  /** The Secret entry holding the key speakers send with. */
  public static final String SEND_ENTRY = "key";

  /** Copies; checks that the send key is accepted. */
  public Keyring {
    accepted = List.copyOf(accepted);
    if (!accepted.contains(send)) {
      throw new IllegalArgumentException("the send key must be accepted too");
    }
  }

  /**
   * Reads a Secret's entries.
   *
   * @param entries entry name to its (decoded) bytes
   * @return the keyring
   * @throws IllegalArgumentException naming the entry that is wrong
   */
  public static Keyring fromSecret(Map<String, byte[]> entries) {
    if (entries == null || !entries.containsKey(SEND_ENTRY)) {
      throw new IllegalArgumentException("no entry '" + SEND_ENTRY + "' (the key speakers send with)");
    }
    MembershipKey send = MembershipKey.fromSecret(SEND_ENTRY, entries.get(SEND_ENTRY));
    List<MembershipKey> accepted = new ArrayList<>(List.of(send));
    for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
      if (e.getKey().equals(SEND_ENTRY)) {
        continue;
      }
      MembershipKey key = MembershipKey.fromSecret(e.getKey(), e.getValue());
      if (accepted.stream().noneMatch(k -> k.id() == key.id())) {
        accepted.add(key);
      }
    }
    return new Keyring(send, accepted);
  }

  /**
   * The accepted key with this id.
   *
   * @param id a key id from the wire
   * @return the key, if accepted
   */
  public Optional<MembershipKey> find(int id) {
    for (MembershipKey key : accepted) {
      if (key.id() == id) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "send " + send.fingerprint() + ", accept "
        + accepted.stream().map(MembershipKey::fingerprint).toList();
  }
}
