package dev.fairlead.lb.gcp.model;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.IpLiteral;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.tck.Specs;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared fixtures of the model tests: settings, nodes and the spec builder. */
final class ModelTestData {
  static final GcpSettings SETTINGS = GcpSettings.parse(ProviderSettings.of(Map.of("project", "proj-1", "region",
      "us-central1")));
  static final String CLUSTER = "c1";
  static final List<BackendNode> NODES = List.of(node(1, "us-central1-a"), node(2, "us-central1-a"), node(3, "us-central1-b"));
  static final Specs SPECS = new Specs("m-", NODES, new ProviderCapabilities(Set.of(Protocol.TCP, Protocol.UDP), true,
      true, true, true, Set.of(IpFamily.IPV4)));

  private ModelTestData() {}

  static BackendNode node(int i, String zone) {
    return new BackendNode("n" + i, "gce://proj-1/" + zone + "/n" + i, List.of(IpLiteral.parse("192.0.2." + i)), Map.of());
  }
}
