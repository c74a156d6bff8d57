package dev.fairlead.lb.baremetal.speaker.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class OutvotedTest {
  static final Set<String> NODES = Set.of("node1", "node2", "node3", "node4");

  static boolean standDown(Set<String> refusedBy, Set<String> members) {
    return Outvoted.standDown(Outvoted.refusers(refusedBy, members, NODES), members);
  }

  @Test
  void theSpeakerWithTheWrongKeyStandsDownAndTheGroupDoesNot() {
    assertThat(standDown(Set.of("node1", "node2", "node3"), Set.of("node4"))).isTrue();
    assertThat(standDown(Set.of("node4"), Set.of("node1", "node2", "node3"))).isFalse();
  }

  @Test
  void alone_withoutRefusals_isAHealthySurvivor() {
    assertThat(standDown(Set.of(), Set.of("node1"))).isFalse();
  }

  @Test
  void anEvenSplitSilencesBothSides() {
    assertThat(standDown(Set.of("node3", "node4"), Set.of("node1", "node2"))).isTrue();
    assertThat(standDown(Set.of("node1", "node2"), Set.of("node3", "node4"))).isTrue();
  }

  @Test
  void namesThatAreNoNodeOrAMemberDoNotCount() {
    assertThat(Outvoted.refusers(Set.of("ghost", "node2", "node4"), Set.of("node1", "node2"), NODES))
        .containsExactly("node4");
    assertThat(standDown(Set.of("ghost1", "ghost2", "node2"), Set.of("node1", "node2"))).isFalse();
  }
}
