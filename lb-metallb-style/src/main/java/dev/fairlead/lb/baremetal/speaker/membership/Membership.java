package dev.fairlead.lb.baremetal.speaker.membership;

import dev.fairlead.lb.baremetal.speaker.packet.Mac;
import java.util.Map;
import java.util.Set;

/** Which speakers are alive right now, as seen from this one. */
public interface Membership extends AutoCloseable {

  /**
   * Joins the group; {@code onChange} runs (on a membership thread) after every change of the member
   * set, so the caller re-runs the election.
   *
   * @param onChange called after each change
   * @throws Exception if the group cannot be joined
   */
  void start(Runnable onChange) throws Exception;

  /**
   * The live speakers: node name to the MAC addresses of its announcing interfaces. Always contains
   * this node once started.
   *
   * @return an immutable snapshot
   */
  Map<String, Set<Mac>> members();

  /**
   * Which speaker an interface MAC belongs to, for every speaker seen since start, including ones
   * that are not members right now (partitioned or restarting): their answers are a hand-over or a
   * split view, not a foreign host.
   *
   * @param mac an interface MAC
   * @return the node name, if a speaker ever announced that MAC
   */
  java.util.Optional<String> speakerOf(Mac mac);

  /**
   * The peers (node names, as they claim) whose membership traffic this speaker refused recently
   * because it could not be authenticated, not counting current members. Together with the size of
   * {@link #members()} this tells whether this speaker is the one with the wrong key.
   *
   * @return names, sorted
   */
  Set<String> refusedBy();

  /**
   * Replaces the addresses contacted on every discovery round (Nodes come and go).
   *
   * @param seeds the other speakers' membership addresses
   */
  void seeds(java.util.List<java.net.InetSocketAddress> seeds);

  /**
   * Replaces the membership keys without leaving the group (key rotation).
   *
   * @param keyring the new keys
   * @throws IllegalStateException if this membership runs without keys
   */
  void rekey(Keyring keyring);

  /**
   * Leaves the group; the others notice at once instead of waiting for the failure detector. {@link
   * #start(Runnable)} may be called again afterwards to rejoin.
   */
  @Override
  void close();
}
