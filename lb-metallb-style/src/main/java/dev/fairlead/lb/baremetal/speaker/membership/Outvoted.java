package dev.fairlead.lb.baremetal.speaker.membership;

import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a speaker must stay silent because it is the odd one out: a speaker with the wrong key (or
 * none) cannot join the others, so on its own it would see itself as the only live speaker and
 * answer for every address. Both sides refuse each other's traffic, so the rule is a vote: a speaker
 * announces only while its group (itself included) is larger than the set of peers that refuse it.
 * Only peers that name an existing Node count, and never a current member, so a stranger on the
 * network cannot silence a healthy group by inventing names. With equal numbers both sides stay
 * silent: no address is answered twice.
 */
public final class Outvoted {
  private Outvoted() {}

  /**
   * The peers whose refusals count.
   *
   * @param refusedBy peers whose traffic was refused recently (claimed names)
   * @param members this speaker's group, itself included
   * @param nodes the cluster's Node names
   * @return the counted peers, sorted
   */
  public static Set<String> refusers(Set<String> refusedBy, Set<String> members, Set<String> nodes) {
    Set<String> result = new TreeSet<>(refusedBy);
    result.retainAll(nodes);
    result.removeAll(members);
    return result;
  }

  /**
   * The rule.
   *
   * @param refusers peers counted by {@link #refusers}
   * @param members this speaker's group, itself included
   * @return true if this speaker must not announce anything
   */
  public static boolean standDown(Set<String> refusers, Set<String> members) {
    return !refusers.isEmpty() && refusers.size() >= members.size();
  }
}
