package dev.fairlead.kube.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorsTest {
  @Test
  void everyOperatorMatchesAsKubernetesDoes() {
    LabelMatcher matcher = Selectors.matcher(new LabelSelectorBuilder()
        .addToMatchLabels("tier", "edge")
        .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod", "stage").endMatchExpression()
        .addNewMatchExpression().withKey("team").withOperator("NotIn").withValues("x").endMatchExpression()
        .addNewMatchExpression().withKey("owner").withOperator("Exists").endMatchExpression()
        .addNewMatchExpression().withKey("legacy").withOperator("DoesNotExist").endMatchExpression()
        .build());
    Map<String, String> good = Map.of("tier", "edge", "env", "prod", "owner", "me");
    assertThat(matcher.matches(good)).isTrue();
    assertThat(matcher.matches(Map.of("tier", "edge", "env", "dev", "owner", "me"))).isFalse();
    assertThat(matcher.matches(Map.of("tier", "edge", "env", "prod", "owner", "me", "team", "x"))).isFalse();
    assertThat(matcher.matches(Map.of("tier", "edge", "env", "prod"))).isFalse();
    assertThat(matcher.matches(Map.of("tier", "edge", "env", "prod", "owner", "me", "legacy", ""))).isFalse();
  }

  @Test
  void invalidRequirementsNameTheirIndex() {
    assertThatThrownBy(() -> Selectors.matcher(new LabelSelectorBuilder()
        .addNewMatchExpression().withKey("a").withOperator("Exists").endMatchExpression()
        .addNewMatchExpression().withKey("b").withOperator("In").endMatchExpression().build()))
        .hasMessage("matchExpressions[1].values: operator In needs at least one value");
  }
}
