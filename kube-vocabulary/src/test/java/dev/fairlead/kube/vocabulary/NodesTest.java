package dev.fairlead.kube.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NodesTest {

  static NodeBuilder node() {
    return new NodeBuilder()
        .withNewMetadata().withName("n1").endMetadata()
        .withNewSpec().withProviderID("aws:///eu-west-1a/i-0abc").endSpec()
        .withNewStatus()
        .addNewAddress().withType("ExternalIP").withAddress("203.0.113.5").endAddress()
        .addNewAddress().withType("Hostname").withAddress("n1.example.test").endAddress()
        .addNewAddress().withType("InternalIP").withAddress("198.51.100.5").endAddress()
        .addNewCondition().withType("Ready").withStatus("False").endCondition()
        .endStatus();
  }

  @ParameterizedTest(name = "exclude label ''{0}'' -> included {1}")
  @CsvSource({"true, false", "TRUE, false", "false, true", "False, true", "'', false", "maybe, false"})
  void excludeLabelFollowsUpstreamParsing(String value, boolean included) {
    Node node = node().editMetadata()
        .withLabels(Map.of(Nodes.EXCLUDE_LABEL, value)).endMetadata().build();
    assertThat(Nodes.backend(node).isPresent()).isEqualTo(included);
  }

  @Test
  void deletingAndScaleDownTaintedNodesAreExcludedButNotReadyNodesAreNot() {
    assertThat(Nodes.backend(node().build())).isPresent(); // NotReady stays in
    assertThat(Nodes.backend(node().editMetadata()
        .withDeletionTimestamp("2026-11-22T00:00:00Z").endMetadata().build())).isEmpty();
    assertThat(Nodes.backend(node().editSpec().addNewTaint()
        .withKey(Nodes.SCALE_DOWN_TAINT).withEffect("NoSchedule").endTaint()
        .endSpec().build())).isEmpty();
  }

  @Test
  void backendCarriesProviderIdAndInternalAddressesFirst() {
    var backend = Nodes.backend(node().build()).orElseThrow();
    assertThat(backend.providerId()).isEqualTo("aws:///eu-west-1a/i-0abc");
    assertThat(backend.addresses()).containsExactly(
        InetAddress.ofLiteral("198.51.100.5"), InetAddress.ofLiteral("203.0.113.5"));
  }

  @Test
  void theExclusionNamesItsCause() {
    assertThat(Nodes.exclusion(node().editMetadata().withDeletionTimestamp("2026-11-22T00:00:00Z")
        .endMetadata().build())).contains("being deleted");
    assertThat(Nodes.exclusion(node().editMetadata().withLabels(Map.of(Nodes.EXCLUDE_LABEL, "yes"))
        .endMetadata().build())).contains("labelled " + Nodes.EXCLUDE_LABEL);
    assertThat(Nodes.exclusion(node().build())).isEmpty();
    assertThat(Nodes.internalAddresses(node().build())).containsExactly(InetAddress.ofLiteral("198.51.100.5"));
  }
}
