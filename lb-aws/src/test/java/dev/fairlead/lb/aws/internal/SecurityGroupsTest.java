package dev.fairlead.lb.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.aws.internal.model.IngressRule;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SecurityGroupsTest {

  @Test
  void rulesSurviveTheRoundTripThroughEc2Permissions() {
    Set<IngressRule> rules =
        new TreeSet<>(
            Set.of(
                new IngressRule("tcp", 80, 80, "203.0.113.0/24"),
                new IngressRule("tcp", 80, 80, "2001:db8::/32"),
                new IngressRule("udp", 53, 53, "0.0.0.0/0"),
                new IngressRule("icmp", 3, 4, "203.0.113.0/24")));

    var permissions = SecurityGroups.permissions(rules);

    assertThat(permissions).hasSize(3);
    assertThat(SecurityGroups.rules(permissions)).isEqualTo(rules);
  }
}
