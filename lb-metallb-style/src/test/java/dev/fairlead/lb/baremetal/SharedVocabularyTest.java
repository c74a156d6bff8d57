package dev.fairlead.lb.baremetal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.kube.vocabulary.Nodes;
import dev.fairlead.lb.baremetal.crd.IPAddressPool;
import dev.fairlead.lb.baremetal.crd.IPAddressPoolSpec;
import dev.fairlead.lb.baremetal.ipam.PoolCatalog;
import dev.fairlead.lb.baremetal.kube.PoolDefinitions;
import dev.fairlead.lb.baremetal.speaker.ClusterModel;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The controller, the IPAM and the speaker read Kubernetes objects the same way (issue 9, defects 2
 * and 3: before the shared vocabulary, the speaker announced from nodes the controller excluded,
 * and the IPAM rejected single addresses the speaker accepted).
 */
class SharedVocabularyTest {

  static List<Node> nodes() {
    return List.of(
        node("plain").build(),
        node("label-false").editMetadata().addToLabels(Nodes.EXCLUDE_LABEL, "false").endMetadata().build(),
        node("label-empty").editMetadata().addToLabels(Nodes.EXCLUDE_LABEL, "").endMetadata().build(),
        node("label-true").editMetadata().addToLabels(Nodes.EXCLUDE_LABEL, "true").endMetadata().build(),
        node("autoscaler").editOrNewSpec().addNewTaint().withKey(Nodes.SCALE_DOWN_TAINT)
            .withEffect("NoSchedule").endTaint().endSpec().build(),
        node("deleting").editMetadata().withDeletionTimestamp("2024-01-01T00:00:00Z").endMetadata().build());
  }

  static NodeBuilder node(String name) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress("198.51.100.7").endAddress()
        .endStatus();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nodes")
  void theSpeakerAnnouncesOnlyFromNodesTheControllerSendsTrafficTo(Node node) {
    boolean controller = Nodes.backend(node).isPresent();
    boolean speaker = ClusterModel.nodes(List.of(node)).get(0).eligible();
    assertThat(speaker).as(node.getMetadata().getName()).isEqualTo(controller);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"192.0.2.7", "2001:db8::7", "192.0.2.0/30", "192.0.2.1-192.0.2.3"})
  void theIpamAcceptsEveryPoolEntryTheSpeakerAnnounces(String entry) {
    IPAddressPool pool = new IPAddressPool();
    pool.setMetadata(new ObjectMetaBuilder().withName("p").build());
    IPAddressPoolSpec spec = new IPAddressPoolSpec();
    spec.setAddresses(List.of(entry));
    pool.setSpec(spec);
    boolean speaker = !ClusterModel.blocks(List.of(pool)).isEmpty();
    boolean ipam = PoolCatalog.of(List.of(PoolDefinitions.of(pool))).problems().isEmpty();
    assertThat(ipam).as(entry).isEqualTo(speaker);
  }
}
